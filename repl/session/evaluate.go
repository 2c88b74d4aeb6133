package session

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"io"
	"log"
	"reflect"
	"strings"
	"sync"

	"github.com/gostream/gostream/engine"
	"github.com/traefik/yaegi/interp"
)

var errorType = reflect.TypeFor[error]()

// errorValue is the failure of an input whose value is a non-nil error,
// positioned at the chunk c's last expression: an "engine.Error" for the
// engine's errors, an "error" otherwise.
func (s *Session) errorValue(val any, c chunk, src string) *EvalError {
	text := src[c.start:c.end]
	off := c.start + max(strings.LastIndex(text, c.lastText), 0)
	line := c.line + strings.Count(src[c.start:off], "\n")
	_, col := lineCol(src, off)
	e := &EvalError{Name: "error"}
	if err, ok := val.(error); ok {
		e.Message, e.Err = err.Error(), err
		var ee *engine.Error
		if errors.As(err, &ee) {
			e.Name = "engine.Error"
		}
	} else {
		e.Message = s.Format(val)
	}
	e.Message = fmt.Sprintf("%s%d:%d: %s", filePrefix(c.file), line, col, e.Message)
	return e
}

// isNilIdent reports whether expr is the predeclared nil (in parentheses
// or not).
func isNilIdent(expr string) bool {
	e, err := parser.ParseExpr(expr)
	if err != nil {
		return false
	}
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && id.Name == "nil"
}

// skipValue reports whether the value of a trailing expression is not worth
// showing: fmt's print functions (their byte count) and a nil error or
// other nil interface returned by a call. typed says that the interpreter's
// types confirmed that the expression has a value (see valueless).
func skipValue(expr string, v reflect.Value, typed bool) bool {
	if !v.IsValid() {
		return true
	}
	e := strings.TrimSpace(expr)
	for _, p := range []string{"fmt.Print", "fmt.Fprint", "print(", "println("} {
		if strings.HasPrefix(e, p) {
			return true
		}
	}
	if strings.HasSuffix(e, ")") && v.Kind() == reflect.Interface && v.IsNil() {
		return true
	}
	// The interpreter returns a *interface{} placeholder for calls of
	// functions without results.
	if !typed && v.Kind() == reflect.Pointer && v.Type().Elem().Kind() == reflect.Interface && strings.HasSuffix(e, ")") {
		return true
	}
	return false
}

// callWithoutResult reports whether expr is a call of a function or method
// that returns nothing (the interpreter then reports some earlier value).
// It is the fallback for when valueless cannot tell.
// Only callees made of names and selectors are looked at, since evaluating
// them has no effect.
func (s *Session) callWithoutResult(in *interp.Interpreter, expr string) bool {
	e, err := parser.ParseExpr(expr)
	if err != nil {
		return false
	}
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	if !isNameChain(call.Fun) {
		// A method called on the result of calls (a.B().C()): its type
		// follows from the types of the calls, without running them.
		t, ok := s.funcType(in, call.Fun)
		return ok && t.NumOut() == 0
	}
	var fset token.FileSet
	var b strings.Builder
	if printer.Fprint(&b, &fset, call.Fun) != nil {
		return false
	}
	f, err := s.quietEval(in, b.String())
	if err != nil || !f.IsValid() || f.Kind() != reflect.Func {
		return false
	}
	return f.Type().NumOut() == 0
}

// funcType returns the type of the function or method fn denotes, found
// by reflection from the types of the names and calls it is made of; only
// names and selector chains are evaluated (they have no effects). Methods of
// interpreted types are not known to reflection.
func (s *Session) funcType(in *interp.Interpreter, fn ast.Expr) (reflect.Type, bool) {
	if isNameChain(fn) {
		v, err := s.quietEval(in, exprString(fn))
		if err != nil || !v.IsValid() || v.Kind() != reflect.Func {
			return nil, false
		}
		return v.Type(), true
	}
	sel, ok := fn.(*ast.SelectorExpr)
	if !ok {
		return nil, false
	}
	call, ok := sel.X.(*ast.CallExpr)
	if !ok {
		return nil, false
	}
	ft, ok := s.funcType(in, call.Fun)
	if !ok || ft.NumOut() == 0 {
		return nil, false
	}
	recv := ft.Out(0)
	if m, ok := recv.MethodByName(sel.Sel.Name); ok {
		if recv.Kind() == reflect.Interface {
			return m.Type, true
		}
		// Drop the receiver.
		in := make([]reflect.Type, 0, m.Type.NumIn()-1)
		for i := 1; i < m.Type.NumIn(); i++ {
			in = append(in, m.Type.In(i))
		}
		out := make([]reflect.Type, 0, m.Type.NumOut())
		for i := 0; i < m.Type.NumOut(); i++ {
			out = append(out, m.Type.Out(i))
		}
		return reflect.FuncOf(in, out, m.Type.IsVariadic()), true
	}
	return nil, false
}

// isNameChain reports whether e is a name or a chain of selectors on one.
func isNameChain(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.Ident:
		return true
	case *ast.SelectorExpr:
		return isNameChain(x.X)
	case *ast.ParenExpr:
		return isNameChain(x.X)
	}
	return false
}

// quietEval evaluates an expression without effects (a name or selector
// chain) for the session's own use, under recover.
func (s *Session) quietEval(in *interp.Interpreter, expr string) (v reflect.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			v, err = reflect.Value{}, fmt.Errorf("%v", r)
		}
	}()
	return in.Eval(expr)
}

// run compiles and executes one chunk, converting every failure into an
// *EvalError. The value is invalid when the chunk has none; typed reports
// that the interpreter's types said whether it has one (see valueless).
func (s *Session) run(ctx context.Context, in *interp.Interpreter, src string) (v reflect.Value, typed bool, err error) {
	// A compilation that fails, or crashes the interpreter, defines
	// nothing and changes nothing defined before (see takeScope).
	before := takeScope(in)
	compiled := false
	defer func() {
		if r := recover(); r != nil {
			if !compiled {
				before.restore(in)
			}
			v, typed, err = reflect.Value{}, false, crashError(r)
		}
	}()
	s.trace.take()
	prog, cerr := compileQuietly(in, src)
	if cerr != nil {
		before.restore(in)
		return reflect.Value{}, false, compileError(cerr)
	}
	compiled = true
	void, typed := valueless(prog)

	interrupted := make(chan struct{})
	var once sync.Once
	stop := func() {
		once.Do(func() {
			// Stop first: the input's goroutine resets the interpreter as
			// soon as it sees interrupted closed.
			interpStop(in)
			close(interrupted)
		})
	}
	s.mu.Lock()
	if s.needReset {
		// A forced interrupt stopped the interpreter while no input ran.
		s.needReset = false
		s.resetRun(in)
	}
	s.stopInput = stop
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.stopInput = nil
		s.mu.Unlock()
	}()

	done := make(chan outcome, 1)
	go func() {
		var o outcome
		defer func() {
			if r := recover(); r != nil {
				o.r = r
			}
			done <- o
		}()
		o.v, o.err = in.Execute(prog)
	}()

	var o outcome
	select {
	case o = <-done:
	case <-ctx.Done():
		s.Interrupt()
		o = s.awaitStopped(done)
	case <-interrupted:
		o = s.awaitStopped(done)
	}
	select {
	case <-interrupted:
		// The input ended because it was interrupted: make the interpreter
		// usable again.
		s.stopStreams(false)
		s.resetRun(in)
		return reflect.Value{}, false, &EvalError{Name: "Interrupted", Message: "the input was stopped, and running streams with it; variables are kept", Err: ErrInterrupted}
	default:
	}
	if o.r != nil {
		return reflect.Value{}, false, crashError(o.r)
	}
	if o.err != nil {
		if pv, ok := panicValue(o.err); ok {
			return reflect.Value{}, false, runtimeError(pv, s.trace.take())
		}
		return reflect.Value{}, false, compileError(o.err)
	}
	if void {
		// What the interpreter returns is a stale slot of its frame.
		return reflect.Value{}, typed, nil
	}
	return o.v, typed, nil
}

// valueless reports whether the compiled chunk p has no value: it ends
// with a call of a function without results, a go or defer statement, an
// assignment, a declaration. The interpreter returns some stale value for
// such chunks (for a compiled method without results, the first global
// variable), so its answer cannot be used. The type of the chunk's root
// node, which yaegi v0.16.1 sets to that of its last statement and leaves
// nil when there is no value, is read by reflection; known is false when
// the interpreter's insides are not as expected (the callers then fall back
// on looking at the expression).
func valueless(p *interp.Program) (void, known bool) {
	defer func() {
		if recover() != nil {
			void, known = false, false
		}
	}()
	pv := reflect.ValueOf(p)
	if pv.Kind() != reflect.Pointer || pv.IsNil() {
		return false, false
	}
	root := pv.Elem().FieldByName("root")
	if root.Kind() != reflect.Pointer || root.IsNil() || root.Elem().Kind() != reflect.Struct {
		return false, false
	}
	typ := root.Elem().FieldByName("typ")
	if typ.Kind() != reflect.Pointer {
		return false, false
	}
	return typ.IsNil(), true
}

// compileQuietly compiles src. The interpreter reports some of its own
// failures with log.Panic, which also writes to the standard logger; while
// it compiles, those lines are dropped (the panic becomes an EvalError) and
// every other log line passes.
func compileQuietly(in *interp.Interpreter, src string) (*interp.Program, error) {
	prev := log.Writer()
	log.SetOutput(logFilter{prev})
	defer log.SetOutput(prev)
	return in.Compile(src)
}

type logFilter struct{ next io.Writer }

func (f logFilter) Write(p []byte) (int, error) {
	line := strings.TrimRight(string(p), "\n")
	if strings.HasSuffix(line, " nil type") || strings.HasSuffix(line, " nil reflect type") ||
		strings.Contains(line, "compositeGenerator not implemented") {
		return len(p), nil
	}
	return f.next.Write(p)
}
