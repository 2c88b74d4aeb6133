package session

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unsafe"
)

// typeState is what the type checker knows of the session: the objects
// its inputs declared at top level (functions, types, variables, constants,
// also the variables that statements declared with := and var), and
// whether checking is still possible. Every input is checked against it
// before anything of the input runs (see Session.typecheck).
type typeState struct {
	// pkg is the session's package: one for all inputs, as unexported
	// fields and methods of the session's types belong to it.
	pkg     *types.Package
	objects map[string]types.Object
	// off is set once an input used what the checker cannot know (a
	// package the interpreter loads from source): from then on the
	// interpreter alone judges inputs.
	off bool
}

func newTypeState() *typeState {
	return &typeState{pkg: types.NewPackage("main", "main"), objects: map[string]types.Object{}}
}

// setScope gives pkg a new package scope. go/types declares a package's
// objects once and for all, and an input may declare a name again: each
// input is checked in a fresh scope holding the earlier objects it does
// not declare. It reports false when the package's insides are not as
// expected; the session then checks no more.
func setScope(pkg *types.Package, scope *types.Scope) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	f := reflect.ValueOf(pkg).Elem().FieldByName("scope")
	if !f.IsValid() || f.Type() != reflect.TypeOf(scope) {
		return false
	}
	reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Set(reflect.ValueOf(scope))
	return pkg.Scope() == scope
}

// cellFile is the file name the checker gives an input's own text, so that
// errors in it are told from those in the synthetic code around it.
const cellFile = "gostream-input"

// typeErrors is the compile error of an input that fails the check: every
// error, in source order, each "line:col: message" (file: first for
// scripts), in the Go compiler's words.
func typeErrors(errs []types.Error, fset *token.FileSet, file string, offsetLine int) *EvalError {
	sort.SliceStable(errs, func(i, j int) bool {
		a, b := fset.Position(errs[i].Pos), fset.Position(errs[j].Pos)
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	var lines []string
	for i, e := range errs {
		if i == 10 {
			lines = append(lines, "too many errors")
			break
		}
		p := fset.Position(e.Pos)
		lines = append(lines, fmt.Sprintf("%s%d:%d: %s", filePrefix(file), p.Line+offsetLine, p.Column, e.Msg))
	}
	return &EvalError{Name: "CompileError", Message: strings.Join(lines, "\n"), Err: errors.New(strings.Join(lines, "\n"))}
}

// typecheck checks the chunks of an input, in order, against the session's
// earlier declarations and imports, as the Go compiler checks a program:
// declarations at package level, statements in the body of a function.
// Names that statements declare at top level are the session's variables,
// so they are never "declared and not used"; the imports of the session
// are there for every input, so they are never "imported and not used".
// An expression statement is not "not used" either: it is the input's
// value. It returns the compile error, or what the input declares, to
// commit once it passed.
func (s *Session) typecheck(src string, chunks []chunk, file string, offset int) (*typeState, []compiledClosure, error) {
	s.mu.Lock()
	st := s.types
	imports := make(map[string]string, len(s.imports))
	for k, v := range s.imports {
		imports[k] = v
	}
	s.mu.Unlock()
	if st == nil || st.off {
		return st, nil, nil
	}
	var closures []compiledClosure
	im := symbols()
	next := &typeState{pkg: st.pkg, objects: make(map[string]types.Object, len(st.objects))}
	for k, v := range st.objects {
		next.objects[k] = v
	}
	for _, c := range chunks {
		text := src[c.start:c.end]
		if c.kind == importChunk {
			for name, path := range importedNames(text) {
				if !im.has(path) {
					next.off = true
					return next, nil, nil
				}
				imports[name] = path
			}
			if f, err := parser.ParseFile(token.NewFileSet(), "", "package main;"+text, parser.ImportsOnly); err == nil {
				for _, spec := range f.Imports {
					if path, _ := strconv.Unquote(spec.Path.Value); !im.has(path) {
						next.off = true
						return next, nil, nil
					}
				}
			}
			continue
		}
		if err := checkChunk(next, imports, src, c, file, offset, &closures); err != nil {
			return nil, nil, err
		}
	}
	return next, closures, nil
}

// checkChunk checks one declaration or statement chunk and, when it passes,
// adds what it declares to st.
func checkChunk(st *typeState, imports map[string]string, src string, c chunk, file string, offset int, closures *[]compiledClosure) error {
	text := src[c.start:c.end]
	var b strings.Builder
	b.WriteString("package main\n")
	names := make([]string, 0, len(imports))
	for n := range imports {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "import %s %q\n", n, imports[n])
	}
	if c.kind == stmtChunk {
		b.WriteString("func _() {\n")
	}
	fmt.Fprintf(&b, "/*line %s:%d:%d*/", cellFile, c.line, c.col)
	textStart := b.Len()
	b.WriteString(text)
	if c.kind == stmtChunk {
		b.WriteString("\n}")
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "input.go", b.String(), parser.SkipObjectResolution)
	if err != nil {
		// Syntax errors are the interpreter's to report, as they are now.
		return nil
	}

	// Names the chunk declares replace the earlier ones.
	declared := map[string]bool{}
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
			for _, spec := range gd.Specs {
				declared[spec.(*ast.TypeSpec).Name.Name] = true
			}
		}
	}
	// Methods of types of earlier inputs are checked as functions of their
	// receiver, and added to the type when the chunk passes: go/types adds
	// methods only to the types of the files it checks.
	var later []laterMethod
	for i, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv == nil || len(fd.Recv.List) != 1 {
			continue
		}
		rt := fd.Recv.List[0].Type
		ptr := false
		if se, ok := rt.(*ast.StarExpr); ok {
			rt, ptr = se.X, true
		}
		id, ok := rt.(*ast.Ident)
		if !ok || declared[id.Name] {
			continue
		}
		tn, _ := st.objects[id.Name].(*types.TypeName)
		if tn == nil {
			continue
		}
		named, _ := tn.Type().(*types.Named)
		if named == nil {
			continue
		}
		lit := methodLiteral(fd)
		f.Decls[i] = &ast.GenDecl{Tok: token.VAR, TokPos: fd.Pos(), Specs: []ast.Spec{&ast.ValueSpec{
			Names: []*ast.Ident{{Name: "_", NamePos: fd.Pos()}}, Values: []ast.Expr{lit}}}}
		later = append(later, laterMethod{named: named, name: fd.Name.Name, ptr: ptr, lit: lit, pos: fd.Name.Pos()})
	}
	var body *ast.BlockStmt
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name.Name != "_" {
				declared[d.Name.Name] = true
			}
			if d.Name.Name == "_" && d.Recv == nil && c.kind == stmtChunk {
				body = d.Body
			}
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				switch spec := spec.(type) {
				case *ast.TypeSpec:
					declared[spec.Name.Name] = true
				case *ast.ValueSpec:
					for _, n := range spec.Names {
						declared[n.Name] = true
					}
				}
			}
		}
	}
	// The top-level names of a statement chunk, and its last expression.
	topVars := map[token.Pos]bool{}
	shown := map[token.Pos]bool{} // expression statements: the shell shows their value
	if body != nil {
		for _, stmt := range body.List {
			switch stmt := stmt.(type) {
			case *ast.AssignStmt:
				if stmt.Tok == token.DEFINE {
					for _, l := range stmt.Lhs {
						if id, ok := l.(*ast.Ident); ok {
							topVars[id.Pos()] = true
						}
					}
				}
			case *ast.DeclStmt:
				if gd, ok := stmt.Decl.(*ast.GenDecl); ok {
					for _, spec := range gd.Specs {
						if vs, ok := spec.(*ast.ValueSpec); ok {
							for _, n := range vs.Names {
								topVars[n.Pos()] = true
							}
						}
					}
				}
			}
		}
		for _, stmt := range body.List {
			if es, ok := stmt.(*ast.ExprStmt); ok {
				shown[es.X.Pos()] = true
			}
		}
		if n := len(body.List); n > 0 {
			if es, ok := body.List[n-1].(*ast.ExprStmt); ok && !isNilExpr(es.X) {
				if _, call := ast.Unparen(es.X).(*ast.CallExpr); !call {
					// The input shows its value: checked as a value, so
					// that a constant that overflows int is an error.
					body.List[n-1] = &ast.AssignStmt{Lhs: []ast.Expr{&ast.Ident{Name: "_", NamePos: es.Pos()}},
						TokPos: es.Pos(), Tok: token.ASSIGN, Rhs: []ast.Expr{es.X}}
				}
			}
		}
	}

	pkg := st.pkg
	scope := types.NewScope(types.Universe, token.NoPos, token.NoPos, "package main")
	for name, obj := range st.objects {
		if !declared[name] {
			scope.Insert(obj)
		}
	}
	if !setScope(pkg, scope) {
		st.off = true
		return nil
	}
	var errs []types.Error
	info := &types.Info{Defs: map[*ast.Ident]types.Object{}, Types: map[ast.Expr]types.TypeAndValue{},
		Uses: map[*ast.Ident]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{}}
	conf := types.Config{
		Importer: symbols(),
		Error: func(err error) {
			var te types.Error
			if !errors.As(err, &te) {
				return
			}
			p := fset.Position(te.Pos)
			if p.Filename != cellFile {
				return // the session's imports, unused in this input
			}
			if strings.HasPrefix(te.Msg, "declared and not used: ") && topVars[te.Pos] {
				return
			}
			if shown[te.Pos] && strings.HasSuffix(te.Msg, " is not used") {
				return
			}
			if strings.HasPrefix(te.Msg, "method ") && strings.Contains(te.Msg, " already declared") {
				return // a method declared again replaces the earlier one
			}
			te.Pos = gcPosition(f, te)
			errs = append(errs, te)
		},
	}
	types.NewChecker(&conf, fset, pkg, info).Files([]*ast.File{f})
	if len(errs) > 0 {
		return typeErrors(errs, fset, file, offset)
	}
	for name := range declared {
		if obj := pkg.Scope().Lookup(name); obj != nil {
			st.objects[name] = obj
		}
	}
	*closures = append(*closures, engineClosures(f, fset, info, textStart-c.start, file, offset)...)
	for _, m := range later {
		sig, _ := info.TypeOf(m.lit).(*types.Signature)
		if sig == nil || sig.Params().Len() == 0 {
			continue
		}
		var params []*types.Var
		for i := 1; i < sig.Params().Len(); i++ {
			params = append(params, sig.Params().At(i))
		}
		msig := types.NewSignatureType(sig.Params().At(0), nil, nil, types.NewTuple(params...), sig.Results(), sig.Variadic())
		if obj, _, _ := types.LookupFieldOrMethod(m.named, true, pkg, m.name); obj == nil {
			m.named.AddMethod(types.NewFunc(m.pos, pkg, m.name, msig))
		}
	}
	for id, obj := range info.Defs {
		if topVars[id.Pos()] && obj != nil && id.Name != "_" {
			st.objects[id.Name] = obj
		}
	}
	return nil
}

// checkProgram checks a whole program file (gostream run) as the Go
// compiler does, every rule included, and compiles the closures it passes
// to the engine; pkgEnd is where its package clause ends. A program that
// imports a package the interpreter does not have built in is left to the
// interpreter.
func checkProgram(path string, src []byte) (closures []compiledClosure, pkgEnd int, err error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, 0, nil
	}
	im := symbols()
	for _, spec := range f.Imports {
		if p, _ := strconv.Unquote(spec.Path.Value); !im.has(p) {
			return nil, 0, nil
		}
	}
	info := &types.Info{Defs: map[*ast.Ident]types.Object{}, Types: map[ast.Expr]types.TypeAndValue{},
		Uses: map[*ast.Ident]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{}}
	var errs []types.Error
	conf := types.Config{
		Importer: im,
		Error: func(err error) {
			var te types.Error
			if errors.As(err, &te) {
				te.Pos = gcPosition(f, te)
				errs = append(errs, te)
			}
		},
	}
	conf.Check("main", fset, []*ast.File{f}, info)
	if len(errs) == 0 {
		return engineClosures(f, fset, info, 0, path, 0), fset.PositionFor(f.Name.End(), false).Offset, nil
	}
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Pos < errs[j].Pos })
	var lines []string
	for i, e := range errs {
		if i == 10 {
			lines = append(lines, "too many errors")
			break
		}
		lines = append(lines, fmt.Sprintf("%s: %s", fset.Position(e.Pos), e.Msg))
	}
	msg := strings.Join(lines, "\n")
	return nil, 0, &EvalError{Name: "CompileError", Message: msg, Err: errors.New(msg)}
}

// laterMethod is a method declared for a type of an earlier input.
type laterMethod struct {
	named *types.Named
	name  string
	ptr   bool
	lit   *ast.FuncLit
	pos   token.Pos
}

// methodLiteral turns the method fd into a function literal whose first
// parameter is the receiver, for checking its body.
func methodLiteral(fd *ast.FuncDecl) *ast.FuncLit {
	recv := *fd.Recv.List[0]
	params := []*ast.Field{&recv}
	if fd.Type.Params != nil {
		params = append(params, fd.Type.Params.List...)
	}
	named := false
	for _, p := range params {
		if len(p.Names) > 0 {
			named = true
		}
	}
	if named {
		for i, p := range params {
			if len(p.Names) == 0 {
				cp := *p
				cp.Names = []*ast.Ident{{Name: "_", NamePos: p.Pos()}}
				params[i] = &cp
			}
		}
	}
	ft := &ast.FuncType{Func: fd.Type.Func, Params: &ast.FieldList{Opening: fd.Recv.Opening, List: params, Closing: fd.Type.Params.Closing}, Results: fd.Type.Results}
	return &ast.FuncLit{Type: ft, Body: fd.Body}
}

func isNilExpr(e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && id.Name == "nil"
}

// gcPosition returns where the Go compiler reports the error te, where
// go/types reports it elsewhere: too few arguments at the last argument,
// or at the call when there are none, rather than at the closing
// parenthesis.
func gcPosition(f *ast.File, te types.Error) token.Pos {
	if !strings.HasPrefix(te.Msg, "not enough arguments in call to ") {
		return te.Pos
	}
	pos := te.Pos
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || call.Rparen != te.Pos {
			return true
		}
		if len(call.Args) > 0 {
			pos = call.Args[len(call.Args)-1].Pos()
		} else {
			pos = call.Pos()
		}
		return false
	})
	return pos
}
