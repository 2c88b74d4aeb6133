package session

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
)

// RunFile runs the package main program in the file at path, as `go run`
// would: its package-level variables, init functions and main. The session
// should be made with Options.Program. Range statements over integers are
// rewritten first, as in Eval. Options.Args
// is what the program sees as os.Args. A compile error, or a panic that
// reaches the top of main, is returned as an *EvalError whose positions name
// the file; os.Exit inside the program exits the process.
func (s *Session) RunFile(ctx context.Context, path string) (err error) {
	s.evalMu.Lock()
	defer s.evalMu.Unlock()
	if _, err := os.Stat(path); err != nil {
		return &EvalError{Name: "CompileError", Message: err.Error(), Err: err}
	}
	s.mu.Lock()
	in := s.in
	s.evaluating = true
	s.runningFile = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.evaluating = false
		s.runningFile = false
		s.mu.Unlock()
	}()
	defer s.capture.sync()
	defer func() {
		if r := recover(); r != nil {
			err = crashError(r)
		}
	}()
	// The interpreter cannot range over integers: rewrite them first.
	src, rerr := os.ReadFile(path)
	if rerr != nil {
		return &EvalError{Name: "CompileError", Message: rerr.Error(), Err: rerr}
	}
	if err := checkMainPackage(path, src); err != nil {
		return err
	}
	// Nothing of the program runs unless it passes the type check.
	closures, pkgEnd, err := checkProgram(path, src)
	if err != nil {
		var ee *EvalError
		if errors.As(err, &ee) {
			ee.Message = s.suggest(ee.Message, string(src))
		}
		return err
	}
	code := string(src)
	if CompileClosures && len(closures) > 0 {
		// Closures passed to the engine run compiled, not interpreted.
		code = programClosures(in, code, pkgEnd, closures)
	}
	code = rewriteUnnamedParamsFile(s.rewriteRangeIntFile(code))
	s.trace.take()
	s.trace.setFile(path)
	defer s.trace.setFile("")
	_, err = in.EvalWithContext(ctx, code)
	if err == nil {
		return nil
	}
	if pv, ok := panicValue(err); ok {
		return runtimeError(pv, s.trace.take())
	}
	if ctx.Err() != nil {
		return &EvalError{Name: "Interrupted", Message: "interrupted", Err: ErrInterrupted}
	}
	var lines []string
	for _, l := range strings.Split(err.Error(), "\n") {
		lines = append(lines, path+":"+strings.TrimPrefix(l, "_.go:"))
	}
	msg := explainImport(s.suggest(goTypeNames(strings.Join(lines, "\n")), string(src)))
	return &EvalError{Name: "CompileError", Message: msg, Err: err}
}

// checkMainPackage reports, as go run does, a file that is not a package
// main program: another package, or no func main. Syntax errors are left
// to the interpreter.
func checkMainPackage(path string, src []byte) error {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	if f.Name.Name != "main" {
		return &EvalError{Name: "CompileError",
			Message: fmt.Sprintf("%s: package %s is not a main package: gostream run runs a program (package main with func main)", fset.Position(f.Name.Pos()), f.Name.Name)}
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" {
			return nil
		}
	}
	return &EvalError{Name: "CompileError", Message: path + ": function main is undeclared in the main package"}
}

// Explain adds to compile errors about src (the Go compiler's, say from
// go build) what the session adds to its own: suggestions for misspelt
// names, and what the engine's options are.
func (s *Session) Explain(msg, src string) string {
	s.evalMu.Lock()
	defer s.evalMu.Unlock()
	return s.suggest(msg, src)
}

// CheckMain reports, as go run does, a file that is not a package main
// program (another package, or no func main), its position naming path.
func CheckMain(path string, src []byte) error { return checkMainPackage(path, src) }
