package session

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/traefik/yaegi/interp"
)

// reflectIndexRE matches the interpreter's panic for an index out of
// range, which says neither the index nor the length.
var reflectIndexRE = regexp.MustCompile(`^((?:.*:)?(\d+):(\d+): )reflect: (?:slice|array|string) index out of range$`)

// explainIndex gives a panic for an index out of range Go's message,
// "runtime error: index out of range [3] with length 0", when the indexed
// operand and the index at the panic's position in the chunk c are names,
// selectors, literals or arithmetic on them, which can be evaluated again
// without effects.
func (s *Session) explainIndex(in *interp.Interpreter, ee *EvalError, c chunk, src string) {
	m := reflectIndexRE.FindStringSubmatch(ee.Message)
	if m == nil {
		return
	}
	line, _ := strconv.Atoi(m[2])
	col, _ := strconv.Atoi(m[3])
	const pre = "package p;func _(){"
	text := src[c.start:c.end]
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", pre+text+"\n}", parser.SkipObjectResolution)
	if err != nil {
		return
	}
	// The index expression at the panic's position, else the only one in
	// the chunk that is out of range now (the interpreter may place the
	// panic at the statement).
	expr := func(e ast.Expr) string {
		return text[fset.Position(e.Pos()).Offset-len(pre) : fset.Position(e.End()).Offset-len(pre)]
	}
	type hit struct {
		i   any
		n   int64
		pos bool
	}
	var hits []hit
	ast.Inspect(f, func(n ast.Node) bool {
		ie, ok := n.(*ast.IndexExpr)
		if !ok || !pure(ie.X) || !pure(ie.Index) {
			return true
		}
		off := fset.Position(ie.Pos()).Offset - len(pre)
		if off < 0 {
			return true
		}
		l := c.line + strings.Count(text[:off], "\n")
		cl := off - strings.LastIndexByte(text[:off], '\n')
		if !strings.Contains(text[:off], "\n") {
			cl = c.col + off
		}
		nv, err := s.quietEval(in, "len("+expr(ie.X)+")")
		if err != nil || nv.Kind() != reflect.Int {
			return true
		}
		iv, err := s.quietEval(in, expr(ie.Index))
		if err != nil || !iv.IsValid() || !iv.CanInt() {
			return true
		}
		if i := iv.Int(); i >= 0 && i < nv.Int() {
			return true
		}
		hits = append(hits, hit{iv.Interface(), nv.Int(), l == line && cl == col})
		return true
	})
	var found *hit
	for i := range hits {
		if hits[i].pos {
			found = &hits[i]
		}
	}
	if found == nil && len(hits) == 1 {
		found = &hits[0]
	}
	if found == nil {
		return
	}
	ee.Message = fmt.Sprintf("%sruntime error: index out of range [%v] with length %d", m[1], found.i, found.n)
}

// pure reports whether e can be evaluated again without effects.
func pure(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident, *ast.BasicLit:
		return true
	case *ast.SelectorExpr:
		return pure(e.X)
	case *ast.ParenExpr:
		return pure(e.X)
	case *ast.UnaryExpr:
		return e.Op != token.ARROW && pure(e.X)
	case *ast.BinaryExpr:
		return pure(e.X) && pure(e.Y)
	}
	return false
}
