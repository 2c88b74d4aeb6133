package session

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/traefik/yaegi/interp"
)

// goHookPath is the package of compiled functions that rewritten inputs
// call (a recovered goroutine reporting its panic, the session's standard
// input); goHookName is what inputs call it by. Neither is shown to users (completion and Globals skip the
// __gostream prefix).
const (
	goHookPath = "gostream.dev/session/goroutine"
	goHookName = "__gostreamGo"
)

// useGoHook makes the session's goroutine panic report available to
// rewritten go statements.
func (s *Session) useGoHook(in *interp.Interpreter) error {
	err := in.Use(interp.Exports{goHookPath + "/goroutine": {
		"Panicked": reflect.ValueOf(s.goroutinePanicked),
		"Stdin":    reflect.ValueOf(s.stdin),
	}})
	if err != nil {
		return err
	}
	_, err = in.Eval("import " + goHookName + " " + strconv.Quote(goHookPath))
	return err
}

// goroutinePanicked reports the panic r of a goroutine started by a go
// statement at pos ("line:col", or "file:line:col") of the user's input, on
// the session's current standard error, as a failed batch is reported.
func (s *Session) goroutinePanicked(r any, pos string) {
	ee := runtimeError(r, s.trace.take())
	msg := ee.Message
	if len(ee.Traceback) == 0 || strings.HasPrefix(ee.Traceback[0], "?") {
		msg = pos + ": " + msg
	}
	var b strings.Builder
	b.WriteString("goroutine panic: " + msg + "\n")
	for _, t := range ee.Traceback {
		b.WriteString("\t" + t + "\n")
	}
	b.WriteString("\t" + pos + ": go statement\n")
	s.failedBatches.Add(1)
	io.WriteString(s.stderr, b.String())
}

// rewriteGo makes every go statement of the input (at the top level, in
// function declarations, methods and literals) recover a panic of the
// goroutine it starts and report it (see goroutinePanicked), instead of
// letting it end the process:
//
//	go f(x, y...)  →  { __f, __a0, __a1 := f, x, y; go func() { defer recover…; __f(__a0, __a1...) }() }
//
// As in Go, the function value and the arguments are evaluated by the
// calling goroutine: they are bound to fresh variables first. Constant
// arguments stay in place, keeping their untyped-constant conversions.
// Calls of builtins, calls of generic functions whose type arguments are
// inferred, and f(g()) where g's results cannot be told to be a single
// value, are left as they are. Lines are kept, so that later positions do
// not move. offset is the number of the line before the input's first
// line, file the name errors give (or "").
func (s *Session) rewriteGo(src string, chunks []chunk, offset int, file string) string {
	if !goKeyword.MatchString(src) {
		return src
	}
	inf := s.inputFile(src, chunks)
	if inf == nil {
		return src
	}
	var edits []edit
	ast.Inspect(inf.file, func(n ast.Node) bool {
		g, ok := n.(*ast.GoStmt)
		if !ok {
			return true
		}
		start, ok := inf.toSrc(inf.fset.Position(g.Pos()).Offset)
		if !ok {
			return true
		}
		pos := goPosition(src, start, offset, file)
		edits = append(edits, s.goEdits(g, inf, src, offset, pos)...)
		return true
	})
	return applyEdits(src, edits)
}

// goKeyword finds inputs that may hold a go statement.
var goKeyword = regexp.MustCompile(`\bgo\b`)

// goPosition is the user's position of src[off:].
func goPosition(src string, off, offset int, file string) string {
	line, col := lineCol(src, off)
	return fmt.Sprintf("%s%d:%d", filePrefix(file), line+offset, col)
}

// goEdits returns the edits that rewrite the go statement g (see
// rewriteGo), or none when it is left as it is.
func (s *Session) goEdits(g *ast.GoStmt, inf *inputFile, src string, offset int, pos string) []edit {
	info, in := inf.info, inf.in
	call := g.Call
	fun := ast.Unparen(call.Fun)
	if id, ok := fun.(*ast.Ident); ok {
		switch obj := info.Uses[id].(type) {
		case *types.Builtin:
			return nil
		case *types.Func:
			if sig, ok := obj.Type().(*types.Signature); ok && sig.TypeParams().Len() > 0 {
				return nil
			}
		}
	}
	if isNameChain(fun) && !resolved(fun, info) {
		// Declared by an earlier input: a generic function cannot be
		// bound without its type arguments.
		if v, err := s.quietEval(in, exprString(fun)); err != nil || !v.IsValid() || v.Kind() != reflect.Func {
			return nil
		}
	}
	if len(call.Args) == 1 && !call.Ellipsis.IsValid() {
		if inner, ok := ast.Unparen(call.Args[0]).(*ast.CallExpr); ok && !s.singleValue(inner, info, in) {
			return nil
		}
	}
	srcAt := func(p token.Pos) (int, bool) { return inf.toSrc(inf.fset.Position(p).Offset) }
	type piece struct {
		start, end int
		name       string // the variable it is bound to
		pre, post  string // around the piece's text in the binding
	}
	seq := rewriteSeq.Add(1)
	var pieces []piece
	var args []string
	for i, e := range append([]ast.Expr{call.Fun}, call.Args...) {
		st, ok1 := srcAt(e.Pos())
		en, ok2 := srcAt(e.End())
		if !ok1 || !ok2 {
			return nil
		}
		text := src[st:en]
		if i > 0 && !strings.Contains(text, "\n") && isConstant(e, info, inf.imports) {
			args = append(args, text)
			continue
		}
		name := fmt.Sprintf("__gostreamGo%d_%d", seq, i)
		if i > 0 && !typed(e, info) {
			// Perhaps an untyped constant of an earlier input
			// (three, three*2): it is converted to the parameter's type
			// as the call would.
			if typ := s.paramType(call, i-1, inf); typ != "" {
				pieces = append(pieces, piece{st, en, name, "func() " + typ + " { return ", " }()"})
				args = append(args, name)
				continue
			}
		}
		pieces = append(pieces, piece{st, en, name, "", ""})
		if i > 0 {
			args = append(args, name)
		}
	}
	gs, ok1 := srcAt(g.Pos())
	ge, ok2 := srcAt(g.End())
	if !ok1 || !ok2 {
		return nil
	}
	// The interpreter sees each piece where the user wrote it.
	at := func(off int) string { return lineDirective(src, off, offset) }
	var names []string
	for _, p := range pieces {
		names = append(names, p.name)
	}
	lines := func(from, to int) string { return strings.Repeat("\n", strings.Count(src[from:to], "\n")) }
	edits := []edit{{gs, pieces[0].start, lines(gs, pieces[0].start) + "{ " + strings.Join(names, ", ") + " := " + at(pieces[0].start)}}
	for i := 1; i < len(pieces); i++ {
		edits = append(edits, edit{pieces[i-1].end, pieces[i].start, pieces[i-1].post + ", " + lines(pieces[i-1].end, pieces[i].start) + pieces[i].pre + at(pieces[i].start)})
	}
	last := pieces[len(pieces)-1].end
	ell := ""
	if call.Ellipsis.IsValid() {
		ell = "..."
	}
	tail := fmt.Sprintf("; go func() { defer func() { if __r := recover(); __r != nil { %s.Panicked(__r, %q) } }(); %s(%s%s) }() }",
		goHookName, pos, pieces[0].name, strings.Join(args, ", "), ell)
	edits = append(edits, edit{last, ge, pieces[len(pieces)-1].post + tail + lines(last, ge) + at(ge)})
	return edits
}

// singleValue reports whether the call c is known to have a single result.
func (s *Session) singleValue(c *ast.CallExpr, info *types.Info, in *interp.Interpreter) bool {
	if tv, ok := info.Types[c]; ok && tv.Type != nil && tv.Type != types.Typ[types.Invalid] {
		_, tuple := tv.Type.(*types.Tuple)
		return !tuple
	}
	if in == nil {
		return false
	}
	t, ok := s.funcType(in, c.Fun)
	return ok && t.NumOut() == 1
}

// isConstant reports whether e is a constant (or nil) that can stay in
// place: its value does not depend on when it is evaluated.
func isConstant(e ast.Expr, info *types.Info, imports map[string]string) bool {
	if tv, ok := info.Types[e]; ok && (tv.Value != nil || tv.IsNil()) {
		return true
	}
	switch e := ast.Unparen(e).(type) {
	case *ast.BasicLit:
		return true
	case *ast.SelectorExpr:
		// A package's constant or variable (math.Pi, os.Args): the
		// importer used for checking knows no packages.
		if id, ok := e.X.(*ast.Ident); ok && imports[id.Name] != "" {
			obj := info.Uses[id]
			_, isPkg := obj.(*types.PkgName)
			return obj == nil || isPkg
		}
	}
	return false
}

// resolved reports whether the first name of the name chain e is declared
// in the input itself (or predeclared), as the type checker found.
func resolved(e ast.Expr, info *types.Info) bool {
	for {
		switch x := e.(type) {
		case *ast.Ident:
			return info.Uses[x] != nil
		case *ast.SelectorExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		default:
			return false
		}
	}
}

// paramType returns the name of the type of the i-th argument of call's
// function when it is a predeclared type (int, float64, string, error...),
// or "" when not or not known.
func (s *Session) paramType(call *ast.CallExpr, i int, inf *inputFile) string {
	if tv, ok := inf.info.Types[call.Fun]; ok && tv.Type != nil {
		sig, ok := tv.Type.Underlying().(*types.Signature)
		if !ok {
			return ""
		}
		n := sig.Params().Len()
		if n == 0 || (i >= n && !sig.Variadic()) {
			return ""
		}
		t := sig.Params().At(min(i, n-1)).Type()
		if sig.Variadic() && i >= n-1 {
			if call.Ellipsis.IsValid() {
				return ""
			}
			t = t.(*types.Slice).Elem()
		}
		if b, ok := t.(*types.Basic); ok && b.Info()&types.IsUntyped == 0 {
			return b.Name()
		}
		if t == types.Universe.Lookup("error").Type() {
			return "error"
		}
		return ""
	}
	if !isNameChain(call.Fun) {
		return ""
	}
	t := s.paramReflectType(call, i, inf)
	if t != nil && t.PkgPath() == "" && t.Name() != "" && t.Kind() != reflect.Interface {
		return t.Name()
	}
	return ""
}

// inputFile is an input as one Go file, type-checked without imports:
// declarations as they are, statements in functions.
type inputFile struct {
	file    *ast.File
	fset    *token.FileSet
	info    *types.Info
	toSrc   func(off int) (int, bool) // maps an offset in the file to the input
	imports map[string]string         // local name → path: the session's and the input's
	in      *interp.Interpreter
}

// inputFile returns src as an inputFile, or nil if it does not parse.
func (s *Session) inputFile(src string, chunks []chunk) *inputFile {
	var b strings.Builder
	b.WriteString("package main\n")
	type span struct{ fileStart, srcStart, n int }
	var spans []span
	add := func(prefix, text string, srcStart int, suffix string) {
		b.WriteString(prefix)
		spans = append(spans, span{b.Len(), srcStart, len(text)})
		b.WriteString(text)
		b.WriteString(suffix)
	}
	for _, c := range chunks {
		text := src[c.start:c.end]
		if c.kind == stmtChunk {
			add("func _() {\n", text, c.start, "\n}\n")
		} else {
			add("", text, c.start, "\n")
		}
	}
	toSrc := func(off int) (int, bool) {
		for _, sp := range spans {
			if off >= sp.fileStart && off <= sp.fileStart+sp.n {
				return sp.srcStart + off - sp.fileStart, true
			}
		}
		return 0, false
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", b.String(), 0)
	if err != nil {
		return nil
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Uses: map[*ast.Ident]types.Object{}}
	conf := types.Config{Importer: failingImporter{}, Error: func(error) {}}
	conf.Check("main", fset, []*ast.File{f}, info)

	s.mu.Lock()
	imports := map[string]string{}
	for name, path := range s.imports {
		imports[name] = path
	}
	in := s.in
	s.mu.Unlock()
	for _, spec := range f.Imports {
		p, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			continue
		}
		if spec.Name != nil {
			imports[spec.Name.Name] = p
		} else {
			imports[p[strings.LastIndex(p, "/")+1:]] = p
		}
	}
	return &inputFile{file: f, fset: fset, info: info, toSrc: toSrc, imports: imports, in: in}
}

// lineDirective returns the comment that gives what follows it the
// position of src[off:] for the interpreter, which sees every chunk one
// line down (see chunk.padded); offset is the number of the line before
// the input's first line.
func lineDirective(src string, off, offset int) string {
	line, col := lineCol(src, off)
	return fmt.Sprintf("/*line :%d:%d*/", line+offset+1, col)
}

// typed reports whether the type checker found e to have a type that is
// not an untyped constant's.
func typed(e ast.Expr, info *types.Info) bool {
	tv, ok := info.Types[e]
	if !ok || tv.Type == nil || tv.Type == types.Typ[types.Invalid] {
		return false
	}
	b, isBasic := tv.Type.(*types.Basic)
	return !isBasic || b.Info()&types.IsUntyped == 0
}
