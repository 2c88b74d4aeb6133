package session

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"sort"
	"strings"
)

// rewriteRangeInt works around the interpreter's lack of range over an
// integer (Go 1.22), which crashes it: every "for i := range n" whose n is
// an integer becomes "for i, __n := T(0), T(n); i < __n; i++", with n
// evaluated once and i of n's type, as Go does. The type of n comes from
// type-checking the input on its own, or, for a name declared by an
// earlier input, from its value in the session.
func (s *Session) rewriteRangeInt(src string, chunks []chunk) string {
	if !strings.Contains(src, "range") {
		return src
	}
	inf := s.inputFile(src, chunks)
	if inf == nil {
		return src
	}
	return applyEdits(src, s.rangeIntEdits(inf.file, inf.fset, inf.info, inf.toSrc, src))
}

// rewriteRangeIntFile rewrites the range statements over integers of a
// whole Go file.
func (s *Session) rewriteRangeIntFile(src string) string {
	if !strings.Contains(src, "range") {
		return src
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, 0)
	if err != nil {
		return src
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}}
	conf := types.Config{Importer: failingImporter{}, Error: func(error) {}}
	conf.Check("main", fset, []*ast.File{f}, info)
	return applyEdits(src, s.rangeIntEdits(f, fset, info, func(off int) (int, bool) { return off, true }, src))
}

type edit struct {
	start, end int
	text       string
}

// applyEdits applies non-overlapping edits to src.
func applyEdits(src string, edits []edit) string {
	sort.Slice(edits, func(i, j int) bool { return edits[i].start > edits[j].start })
	for _, e := range edits {
		src = src[:e.start] + e.text + src[e.end:]
	}
	return src
}

// rangeIntEdits returns the edits, in src, of the range statements over
// integers of f, type-checked into info; toSrc maps an offset in f to src.
func (s *Session) rangeIntEdits(f *ast.File, fset *token.FileSet, info *types.Info, toSrc func(int) (int, bool), src string) []edit {
	var edits []edit
	ast.Inspect(f, func(n ast.Node) bool {
		rs, ok := n.(*ast.RangeStmt)
		if !ok || rs.Value != nil || (rs.Key != nil && rs.Tok != token.DEFINE) {
			return true
		}
		typ, ok := s.integerType(info, rs.X)
		if !ok {
			return true
		}
		start, ok1 := toSrc(fset.Position(rs.For).Offset)
		end, ok2 := toSrc(fset.Position(rs.Body.Lbrace).Offset)
		xs, ok3 := toSrc(fset.Position(rs.X.Pos()).Offset)
		xe, ok4 := toSrc(fset.Position(rs.X.End()).Offset)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			return true
		}
		key := "__gostreamI"
		if rs.Key != nil {
			if id, ok := rs.Key.(*ast.Ident); ok && id.Name != "_" {
				key = id.Name
			}
		}
		limit := fmt.Sprintf("__gostreamN%d", rewriteSeq.Add(1))
		edits = append(edits, edit{start, end, fmt.Sprintf("for %s, %s := %s(0), %s(%s); %s < %s; %s++ ",
			key, limit, typ, typ, src[xs:xe], key, limit, key)})
		return true
	})
	return edits
}

// integerType returns the name of x's type when it is an integer type.
func (s *Session) integerType(info *types.Info, x ast.Expr) (string, bool) {
	if tv, ok := info.Types[x]; ok && tv.Type != nil && tv.Type != types.Typ[types.Invalid] {
		basic, ok := tv.Type.Underlying().(*types.Basic)
		if !ok || basic.Info()&types.IsInteger == 0 {
			return "", false
		}
		if basic.Kind() == types.UntypedInt || basic.Kind() == types.UntypedRune {
			return "int", true
		}
		return types.TypeString(tv.Type, func(*types.Package) string { return "" }), true
	}
	// Declared by an earlier input: ask the session.
	if !isNameChain(x) {
		return "", false
	}
	chain := exprString(x)
	if chain == "" {
		return "", false
	}
	t, ok := s.typeOfLocked(chain) // Eval holds evalMu
	if !ok {
		return "", false
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return t.Kind().String(), true
	}
	return "", false
}

// exprString renders a name or selector chain.
func exprString(x ast.Expr) string {
	switch x := x.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		if p := exprString(x.X); p != "" {
			return p + "." + x.Sel.Name
		}
	case *ast.ParenExpr:
		return exprString(x.X)
	}
	return ""
}
