package session

import (
	"go/ast"
	"go/types"
	"io"
	"os"
	"reflect"
	"strings"
)

// stdin is what interpreted code reads as standard input.
func (s *Session) stdin() io.Reader {
	if s.opts.Stdin == nil {
		return strings.NewReader("")
	}
	return s.opts.Stdin
}

// stdinIsFile reports whether the interpreter's os.Stdin is the session's
// standard input: the interpreter maps os.Stdin to Options.Stdin only when
// that is an *os.File.
func (s *Session) stdinIsFile() bool {
	_, ok := s.opts.Stdin.(*os.File)
	return s.opts.Stdin == nil || ok
}

var readerType = reflect.TypeFor[io.Reader]()

// rewriteStdin makes os.Stdin passed as a reader read the session's
// standard input when that is not a file (the kernel's, which asks the
// front end for each line): an argument os.Stdin of a call whose parameter
// is an interface that io.Reader satisfies (bufio.NewReader,
// bufio.NewScanner, io.ReadAll, fmt.Fscan, json.NewDecoder, a function of
// an earlier input taking an io.Reader) becomes the session's reader.
// os.Stdin used in any other way (its methods, stored in a variable) is the
// process's standard input, as before. offset is the number of the line
// before the input's first line.
func (s *Session) rewriteStdin(src string, chunks []chunk, offset int) string {
	if s.stdinIsFile() || !strings.Contains(src, "Stdin") {
		return src
	}
	inf := s.inputFile(src, chunks)
	if inf == nil {
		return src
	}
	var edits []edit
	ast.Inspect(inf.file, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		for i, arg := range call.Args {
			sel, ok := ast.Unparen(arg).(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Stdin" {
				continue
			}
			pkg, ok := sel.X.(*ast.Ident)
			if !ok || inf.imports[pkg.Name] != "os" || !isPackageName(pkg, inf.info) {
				continue
			}
			t := s.paramReflectType(call, i, inf)
			if t == nil || t.Kind() != reflect.Interface || t.NumMethod() == 0 || !readerType.AssignableTo(t) {
				continue
			}
			st, ok1 := inf.toSrc(inf.fset.Position(arg.Pos()).Offset)
			en, ok2 := inf.toSrc(inf.fset.Position(arg.End()).Offset)
			if ok1 && ok2 && !strings.Contains(src[st:en], "\n") {
				// What follows keeps its column.
				edits = append(edits, edit{st, en, goHookName + ".Stdin()" + lineDirective(src, en, offset)})
			}
		}
		return true
	})
	return applyEdits(src, edits)
}

// paramReflectType returns the type of the i-th parameter of the function
// call calls, for a function of a package (imported by the input or
// before) or a function or method known to the session; nil if unknown.
func (s *Session) paramReflectType(call *ast.CallExpr, i int, inf *inputFile) reflect.Type {
	var ft reflect.Type
	if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
		if pkg, ok := sel.X.(*ast.Ident); ok && isPackageName(pkg, inf.info) {
			if path := inf.imports[pkg.Name]; path != "" && inf.in != nil {
				if f, ok := inf.in.Symbols(path)[path][sel.Sel.Name]; ok && f.Kind() == reflect.Func {
					ft = f.Type()
				}
			}
		}
	}
	if ft == nil && inf.in != nil {
		if isNameChain(call.Fun) && resolved(call.Fun, inf.info) {
			// Declared in the input itself: not known yet.
			return nil
		}
		t, ok := s.funcType(inf.in, call.Fun)
		if !ok {
			return nil
		}
		ft = t
	}
	if ft == nil {
		return nil
	}
	n := ft.NumIn()
	switch {
	case i < n-1 || (i == n-1 && !ft.IsVariadic()):
		return ft.In(i)
	case ft.IsVariadic() && i >= n-1 && !call.Ellipsis.IsValid():
		return ft.In(n - 1).Elem()
	}
	return nil
}

// isPackageName reports whether id may name an imported package: the type
// checker found it to be one, or found nothing (imported by an earlier
// input).
func isPackageName(id *ast.Ident, info *types.Info) bool {
	switch info.Uses[id].(type) {
	case nil, *types.PkgName:
		return true
	}
	return false
}
