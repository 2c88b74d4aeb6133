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
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	_ "unsafe" // for go:linkname

	"github.com/gostream/gostream/engine"
	gsstdlib "github.com/gostream/gostream/stdlib"
	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// interpStop is the interpreter's own cancellation (what EvalWithContext
// calls when its context ends): running interpreted frames stop at their
// next step. The session calls it directly so that it can wait for the
// interrupted input to return before the interpreter is made usable again.
//
//go:linkname interpStop github.com/traefik/yaegi/interp.(*Interpreter).stop
func interpStop(*interp.Interpreter)

// Options configure a Session.
type Options struct {
	// Stdout and Stderr receive the output of the current input:
	// interpreted fmt.Print* and, while an input runs, compiled writes to
	// os.Stdout and os.Stderr (see Eval). Nil discards.
	Stdout, Stderr io.Writer
	// Stdin is what interpreted code reads as standard input.
	Stdin io.Reader
	// GoPath is where the interpreter looks for source packages (optional).
	GoPath string
	// Args is os.Args for interpreted code (optional).
	Args []string
	// Program prepares the session for RunFile (gostream run): nothing is
	// pre-imported, and os.Exit and log.Fatal* exit the process, as they do
	// in a compiled program. Otherwise they panic, and the input fails with
	// that panic, so that a shell or kernel lives on.
	Program bool
}

// CompileClosures makes sessions compile the function literals that
// inputs pass to the engine, where they stay within the closure
// compiler's subset (see closure.go); false leaves every one to the
// interpreter.
var CompileClosures = true

// PreImports are the packages every session imports before the first
// input, by import path; user code refers to them by their last element.
var PreImports = []string{
	"fmt", "strings", "strconv", "time", "math", "sort",
	"github.com/gostream/gostream/engine",
	"github.com/gostream/gostream/kernel/display",
}

// programSymbols are the functions that end a compiled program, which the
// interpreter's standard library replaces by panics, and the standard
// logger, which it replaces by one of its own: a program sees the real ones.
var programSymbols = interp.Exports{
	"os/os": {"Exit": reflect.ValueOf(os.Exit)},
	"log/log": {
		"Fatal":     reflect.ValueOf(log.Fatal),
		"Fatalf":    reflect.ValueOf(log.Fatalf),
		"Fatalln":   reflect.ValueOf(log.Fatalln),
		"Panic":     reflect.ValueOf(log.Panic),
		"Panicf":    reflect.ValueOf(log.Panicf),
		"Panicln":   reflect.ValueOf(log.Panicln),
		"Print":     reflect.ValueOf(log.Print),
		"Printf":    reflect.ValueOf(log.Printf),
		"Println":   reflect.ValueOf(log.Println),
		"SetFlags":  reflect.ValueOf(log.SetFlags),
		"SetOutput": reflect.ValueOf(log.SetOutput),
		"SetPrefix": reflect.ValueOf(log.SetPrefix),
		"Flags":     reflect.ValueOf(log.Flags),
		"Prefix":    reflect.ValueOf(log.Prefix),
		"Writer":    reflect.ValueOf(log.Writer),
		"Output":    reflect.ValueOf(log.Output),
		"Default":   reflect.ValueOf(log.Default),
	},
}

// Result is the value of an input that ends with an expression.
type Result struct {
	HasValue bool
	Value    any
	Text     string // the value formatted for display (user String() methods honoured)
}

// Session is one interpreter with gostream's symbols loaded and its output
// routed to the writers of the current input. Eval runs one input at a
// time; Interrupt, SetOutput, Streams and Complete may be called from other
// goroutines while an input runs.
type Session struct {
	opts Options

	stdout, stderr *switchWriter
	trace          *traceWriter

	evalMu sync.Mutex // held for the whole of an Eval or Reset
	stopMu sync.Mutex // held while streams are being stopped

	interrupting  atomic.Bool  // an Interrupt is stopping streams
	failedBatches atomic.Int64 // batches of the session's contexts that failed (see FailedBatches)

	mu          sync.Mutex // guards the fields below
	in          *interp.Interpreter
	stopInput   func() // stops the running input; nil when none runs
	needReset   bool   // the interpreter was stopped with no input running
	evaluating  bool
	runningFile bool              // RunFile: contexts keep the engine's batch log, as compiled
	imports     map[string]string // local package name → import path
	names       map[string]bool   // functions and types declared by the user
	stringers   map[reflect.Type]reflect.Value
	methods     map[reflect.Type][]string // of interpreted types, by their reflect type
	contexts    []*engine.StreamingContext
	types       *typeState // what the type checker knows of earlier inputs

	// listenerConv holds the conversions of interpreted types to optional
	// listener interfaces, by reflect type and interface (see listenerviews.go).
	listenerConv map[reflect.Type]map[string]reflect.Value

	receiverLogs map[*engine.StreamingContext]*receiverErrorLog
	batchErrors  []error // written by a receiverErrorLog during the current input

	removeHooks []func()
	capture     *stdioCapture
}

// New returns a session with the standard library, gostream's packages and
// PreImports loaded.
func New(opts Options) (*Session, error) {
	s := &Session{
		opts:   opts,
		stdout: &switchWriter{w: opts.Stdout},
		stderr: &switchWriter{w: opts.Stderr},
	}
	s.trace = &traceWriter{next: s.stderr}
	if _, isFile := opts.Stdout.(*os.File); opts.Stdout != nil && !isFile {
		s.capture = captureStdio(s.stdout, s.stderr)
	}
	if err := s.init(); err != nil {
		s.capture.restore()
		return nil, err
	}
	s.removeHooks = []func(){engine.OnNewContext(s.adopt), engine.OnContextStart(s.started)}
	return s, nil
}

func (s *Session) init() error {
	stdin := s.opts.Stdin
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	in := interp.New(interp.Options{
		// Through the capture's pipes first, if any, so that output keeps
		// the order in which it was written.
		Stdout: orderedWriter{s.stdout, s.capture.drain},
		Stderr: orderedWriter{s.trace, s.capture.drain},
		Stdin:  stdin,
		GoPath: s.opts.GoPath,
		Args:   s.opts.Args,
		// User code sees the real environment and files, as a Go program does.
		Unrestricted: true,
	})
	if err := in.Use(stdlib.Symbols); err != nil {
		return fmt.Errorf("session: loading the standard library: %w", err)
	}
	if err := in.Use(gsstdlib.Symbols); err != nil {
		return fmt.Errorf("session: loading gostream's packages: %w", err)
	}
	if s.opts.Program {
		if err := in.Use(programSymbols); err != nil {
			return fmt.Errorf("session: loading os.Exit and log.Fatal: %w", err)
		}
	} else if err := in.Use(redefinableFlags); err != nil {
		return fmt.Errorf("session: loading the flag package: %w", err)
	}
	// A program imports what it uses; inputs find PreImports imported.
	pre := PreImports
	if s.opts.Program {
		pre = nil
	}
	var b strings.Builder
	b.WriteString("import (\n")
	for _, p := range pre {
		fmt.Fprintf(&b, "\t%q\n", p)
	}
	b.WriteString(")")
	if len(pre) == 0 {
		b.Reset()
		b.WriteString("_ = 0")
	}
	// EvalWithContext (rather than Eval) also creates the channel that
	// interpStop closes.
	if _, err := in.EvalWithContext(context.Background(), b.String()); err != nil {
		return fmt.Errorf("session: pre-importing %v: %w", pre, err)
	}
	if err := useEngineAlias(in); err != nil {
		return fmt.Errorf("session: importing engine: %w", err)
	}
	if !s.opts.Program {
		if err := s.useGoHook(in); err != nil {
			return fmt.Errorf("session: loading the goroutine panic report: %w", err)
		}
	}
	s.mu.Lock()
	s.in = in
	s.needReset = false
	s.imports = importedNames(b.String())
	s.names = map[string]bool{}
	s.stringers = map[reflect.Type]reflect.Value{}
	s.methods = map[reflect.Type][]string{}
	s.types = newTypeState()
	s.mu.Unlock()
	return nil
}

// SetOutput re-routes output of subsequent inputs. A StreamingContext
// keeps writing its Print output, and its receivers' errors, to the writers
// that were current when an input started it (or, until then, created it),
// even after that input returned.
func (s *Session) SetOutput(stdout, stderr io.Writer) {
	s.stdout.set(stdout)
	s.stderr.set(stderr)
}

// Stdout returns the writer output currently goes to.
func (s *Session) Stdout() io.Writer { return s.stdout.get() }

// Eval evaluates one input (a shell entry or a notebook cell). Any mix of
// imports, declarations and statements works: the input is cut into runs
// of one kind, evaluated in order. If the input ends with an expression,
// Result carries its value; calls of fmt.Print-style functions and calls
// whose only value is a nil error show nothing. When that expression has the
// type error and is not nil, the input fails with it: an *EvalError named
// "engine.Error" (for the engine's errors) or "error", positioned at the
// expression, that wraps it.
//
// Errors are *EvalError. The session stays usable after any of them,
// including crashes of the interpreter itself. When ctx ends, Eval
// interrupts the input as Interrupt does.
//
// Compiled code writing to os.Stdout and os.Stderr reaches the session's
// writers too: when Options.Stdout is not itself an *os.File, New replaces
// the process's os.Stdout and os.Stderr by pipes copied to the current
// writers (until Close; only the first such session in a process captures),
// and Eval returns only after everything the input wrote has been copied.
func (s *Session) Eval(ctx context.Context, src string) (Result, error) {
	return s.EvalAt(ctx, src, "", 1)
}

// EvalAt is Eval for an input that is part of a larger text, whose first
// line is line line of that text: a script read by the shell, or a file
// loaded whole (line 1). Positions in errors and tracebacks, also those of
// functions it defines when they panic later in a batch, count the lines of
// that text; the input's own errors name the file, if not "":
// "lib.go:4:6: undefined: x".
func (s *Session) EvalAt(ctx context.Context, src, file string, line int) (Result, error) {
	s.evalMu.Lock()
	defer s.evalMu.Unlock()
	res, err := s.evalAt(ctx, src, file, line)
	var ee *EvalError
	if errors.As(err, &ee) {
		if file != "" && ee.Name != "Interrupted" && !strings.HasPrefix(ee.Message, file+":") {
			ee.Message = file + ":" + ee.Message
		}
		habitHints(ee, src)
	}
	return res, err
}

func (s *Session) evalAt(ctx context.Context, src, file string, line int) (Result, error) {

	offset := max(line, 1) - 1
	chunks, err := split(src)
	if err != nil {
		return Result{}, scanError(err, file, offset)
	}
	if len(chunks) == 0 {
		return Result{}, nil
	}
	// Nothing of an input runs unless all of it passes the type check.
	st, closures, err := s.typecheck(src, chunks, file, offset)
	if err != nil {
		var ee *EvalError
		if errors.As(err, &ee) {
			ee.Message = s.suggest(ee.Message, src)
		}
		return Result{}, err
	}
	s.mu.Lock()
	s.types = st
	in := s.in
	s.mu.Unlock()
	if len(closures) > 0 && CompileClosures {
		// Closures passed to the engine run compiled, not interpreted.
		if r := s.useClosures(ctx, in, src, closures); r != src {
			src = r
			if chunks, err = split(src); err != nil {
				return Result{}, scanError(err, file, offset)
			}
		}
	}
	if r := s.rewriteRangeInt(src, chunks); r != src {
		src = r
		if chunks, err = split(src); err != nil {
			return Result{}, scanError(err, file, offset)
		}
	}
	if r := rewriteCommaOk(src, chunks); r != src {
		src = r
		if chunks, err = split(src); err != nil {
			return Result{}, scanError(err, file, offset)
		}
	}
	if r := rewriteUnnamedParams(src, chunks); r != src {
		src = r
		if chunks, err = split(src); err != nil {
			return Result{}, scanError(err, file, offset)
		}
	}
	if !s.opts.Program {
		if r := s.rewriteStdin(src, chunks, offset); r != src {
			src = r
			if chunks, err = split(src); err != nil {
				return Result{}, scanError(err, file, offset)
			}
		}
		if r := s.rewriteGo(src, chunks, offset, file); r != src {
			src = r
			if chunks, err = split(src); err != nil {
				return Result{}, scanError(err, file, offset)
			}
		}
	}
	for i := range chunks {
		chunks[i].line += offset
		chunks[i].file = file
	}

	s.mu.Lock()
	s.evaluating = true
	s.batchErrors = nil
	in = s.in
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.evaluating = false
		s.mu.Unlock()
	}()

	defer s.capture.sync()

	var last reflect.Value
	for i, c := range chunks {
		if c.kind == importChunk {
			s.mu.Lock()
			specs := importSpecs(src, c, s.imports)
			s.mu.Unlock()
			for _, spec := range specs {
				if _, _, err := s.run(ctx, in, spec.paddedImport(src)); err != nil {
					return Result{}, err
				}
				s.record(in, spec, "import "+src[spec.start:spec.end])
			}
			continue
		}
		if c.kind == declChunk {
			if names, _ := declaredNames(src[c.start:c.end]); slices.Contains(names, "main") {
				return Result{}, &EvalError{Name: "CompileError",
					Message: fmt.Sprintf("%s%d:%d: func main is reserved: the interpreter runs each input as main; give the function another name", filePrefix(c.file), c.line, c.col)}
			}
		}
		v, typed, err := s.run(ctx, in, c.padded(src))
		if err != nil {
			var ee *EvalError
			if errors.As(err, &ee) && ee.Name == "CompileError" && strings.HasSuffix(ee.Message, "constant definition loop") {
				if msg := s.explainLoop(c, c.padded(src)); msg != "" {
					ee.Message = msg
				}
			}
			if ee != nil && ee.Name == "CompileError" {
				ee.Message = s.suggest(ee.Message, src[c.start:c.end])
			}
			if ee != nil && ee.Name == "engine.Error" {
				pinpoint(ee, c, src)
			}
			if ee != nil && ee.Name == "panic" {
				s.explainIndex(in, ee, c, src)
			}
			return Result{}, err
		}
		s.record(in, c, src[c.start:c.end])
		if i == len(chunks)-1 && c.lastExpr {
			if isNilIdent(c.lastText) {
				// The interpreter gives a stale value for a bare nil.
				return Result{HasValue: true, Text: "<nil>"}, nil
			}
			last = v
			if skipValue(c.lastText, v, typed) || (!typed && s.callWithoutResult(in, c.lastText)) {
				last = reflect.Value{}
			}
		}
	}
	if !last.IsValid() || !last.CanInterface() {
		return Result{}, nil
	}
	val := last.Interface()
	if err, ok := val.(error); ok && s.wasShown(err) {
		// Advance or AwaitTermination returning the error of a batch
		// whose failure was just reported.
		return Result{}, nil
	}
	if last.Kind() == reflect.Interface && last.Type() == errorType && !last.IsNil() {
		c := chunks[len(chunks)-1]
		return Result{}, s.errorValue(val, c, src)
	}
	return Result{HasValue: true, Value: val, Text: s.Format(val)}, nil
}

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

// FailedBatches returns how many batches of the contexts created in the
// session have failed (a function that panicked, an element of the wrong
// type), and how many goroutines started by inputs have panicked, since the
// session began; the shell's script mode exits with 1 when there were any.
func (s *Session) FailedBatches() int { return int(s.failedBatches.Load()) }

// shownBatchError notes that err, an error of a batch, was written on the
// standard error of the current input.
func (s *Session) shownBatchError(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.evaluating {
		s.batchErrors = append(s.batchErrors, err)
	}
}

// wasShown reports whether err was written as a batch error during the
// current input.
func (s *Session) wasShown(err error) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := reflect.TypeOf(err)
	if !t.Comparable() {
		return false
	}
	for _, e := range s.batchErrors {
		if reflect.TypeOf(e) == t && e == err {
			return true
		}
	}
	return false
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

// StopNoticeDelay is how long Interrupt waits for the running batch before
// it says that it waits, and that a second interrupt forces the stop (a
// batch whose function never returns).
var StopNoticeDelay = time.Second

// InterruptWait bounds how long an interrupted input may take to return
// before the interpreter is reset anyway. Interpreted code stops at its
// next step; only a blocking call into compiled code (time.Sleep, a read)
// can make it wait longer.
var InterruptWait = 3 * time.Second

// outcome is what executing a chunk gave: a value, an error, or a Go panic
// of the interpreter itself.
type outcome struct {
	v   reflect.Value
	err error
	r   any
}

func (s *Session) awaitStopped(done <-chan outcome) outcome {
	select {
	case o := <-done:
		return o
	case <-time.After(InterruptWait):
		fmt.Fprintln(s.stderr, "session: the interrupted input is still blocked in a call; it may go on when the call returns")
		return outcome{}
	}
}

// resetRun makes the interpreter usable after interpStop: a trivial
// evaluation gives it a fresh cancellation channel and run id, so that
// interpreted closures called from compiled code work again.
func (s *Session) resetRun(in *interp.Interpreter) {
	defer func() { recover() }()
	in.EvalWithContext(context.Background(), "_ = 0")
}

// record notes what an evaluated chunk declared, for completion and for
// the formatter.
func (s *Session) record(in *interp.Interpreter, c chunk, text string) {
	switch c.kind {
	case importChunk:
		s.mu.Lock()
		for k, v := range importedNames(text) {
			s.imports[k] = v
		}
		s.mu.Unlock()
	case declChunk:
		names, stringers := declaredNames(text)
		s.mu.Lock()
		for _, n := range names {
			s.names[n] = true
		}
		s.mu.Unlock()
		for typ, ptr := range stringers {
			s.registerStringer(in, typ, ptr)
		}
		for typ, ms := range declaredMethods(text) {
			s.registerMethods(in, typ, ms)
			s.registerListenerViews(in, typ)
		}
	}
}

// registerMethods notes the methods of an interpreted type, which reflect
// cannot list, for completion: they are found by the reflect type of the
// type's zero value.
func (s *Session) registerMethods(in *interp.Interpreter, typ string, methods []string) {
	v, err := s.quietEval(in, "*new("+typ+")")
	if err != nil || !v.IsValid() {
		return
	}
	t := v.Type()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range methods {
		if !slices.Contains(s.methods[t], m) {
			s.methods[t] = append(s.methods[t], m)
		}
	}
}

// registerStringer makes the String method of the interpreted type typ
// callable from compiled code: the interpreter hands interpreted struct
// values to compiled code as plain reflect structs without methods, so the
// formatter looks up their type here. Only struct types are registered; two
// interpreted struct types with identical fields share one reflect type,
// and the later String method wins.
func (s *Session) registerStringer(in *interp.Interpreter, typ string, ptr bool) {
	defer func() { recover() }()
	recv := []string{"*" + typ}
	if !ptr {
		recv = append(recv, typ)
	}
	for _, r := range recv {
		name := "__gostreamString_" + strings.TrimPrefix(strings.ReplaceAll(r, "*", "P_"), "_")
		src := fmt.Sprintf("var %s = func(v %s) string { return v.String() }", name, r)
		if _, err := in.Eval(src); err != nil {
			continue
		}
		f, err := in.Eval(name)
		if err != nil || f.Kind() != reflect.Func || f.Type().NumIn() != 1 {
			continue
		}
		t := f.Type().In(0)
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
			if t.Kind() != reflect.Struct {
				continue
			}
			t = f.Type().In(0)
		} else if t.Kind() != reflect.Struct {
			continue
		}
		s.mu.Lock()
		s.stringers[t] = f
		s.mu.Unlock()
	}
}

// formatLeaf renders one value, calling the String method of interpreted
// types (see registerStringer) and fmt.Sprint otherwise. It is the
// formatter of every StreamingContext the session adopts.
func (s *Session) formatLeaf(v any) string {
	if v != nil {
		s.mu.Lock()
		f, ok := s.stringers[reflect.TypeOf(v)]
		s.mu.Unlock()
		if ok {
			out, err := callString(f, v)
			if err == nil {
				return out
			}
		}
	}
	return fmt.Sprint(v)
}

func isStringer(v any) bool {
	switch v.(type) {
	case fmt.Stringer, error:
		return true
	}
	return false
}

func callString(f reflect.Value, v any) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("String method panicked: %v", r)
		}
	}()
	return f.Call([]reflect.Value{reflect.ValueOf(v)})[0].String(), nil
}

// Format renders v for display the way Print renders elements: Pairs as
// (k,v), slices as [a b], and the String methods of interpreted types
// honoured.
func (s *Session) Format(v any) string {
	rv := reflect.ValueOf(v)
	switch {
	case rv.Kind() == reflect.Func:
		return rv.Type().String()
	case rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Type().Elem().Kind() == reflect.Struct &&
		rv.Type().Elem().Name() != "" && !isStringer(v):
		// A handle such as *engine.StreamingContext: its fields are the
		// engine's insides, and read while its goroutines write them.
		return fmt.Sprintf("(%s)(%p)", rv.Type(), v)
	}
	switch v.(type) {
	case engine.Pair, *engine.Pair, []any:
		return engine.FormatWith(v, s.formatLeaf)
	}
	return s.formatLeaf(v)
}

// Interrupt stops every active StreamingContext of the session
// (non-graceful), then stops the running input, and leaves the interpreter
// usable with every variable kept. Streams are stopped first because a
// cancelled interpreter makes interpreted closures called by a running
// batch return zero values.
//
// Stopping a context waits for its running batch. When a batch cannot
// finish (an interpreted function that never returns), a second Interrupt
// while the first still waits stops the interpreter at once: the stuck
// function returns a zero value, its batch ends, and the streams stop.
func (s *Session) Interrupt() {
	if !s.interrupting.CompareAndSwap(false, true) {
		s.forceStop()
		return
	}
	defer s.interrupting.Store(false)
	stopped := make(chan struct{})
	go func() {
		select {
		case <-stopped:
		case <-time.After(StopNoticeDelay):
			fmt.Fprintln(s.stderr, "session: waiting for the running batch to finish; interrupt again to force it")
		}
	}()
	s.stopStreams(false)
	close(stopped)
	s.mu.Lock()
	stop := s.stopInput
	s.mu.Unlock()
	if stop != nil {
		stop()
	}
}

// forceStop stops the interpreter without waiting for streams: through
// the running input's stop, or directly when no input runs, in which case
// the next input resets the interpreter first.
func (s *Session) forceStop() {
	s.mu.Lock()
	stop := s.stopInput
	if stop == nil && !s.needReset {
		s.needReset = true
		interpStop(s.in)
	}
	s.mu.Unlock()
	if stop != nil {
		stop()
	}
}

// StopStreams stops the session's active streams; graceful waits for the
// data already received to be processed.
func (s *Session) StopStreams(graceful bool) { s.stopStreams(graceful) }

// TypeOf returns the type of expr. A name or selector chain is looked up
// without being evaluated; any other expression is evaluated.
func (s *Session) TypeOf(ctx context.Context, expr string) (string, error) {
	e, err := parser.ParseExpr(expr)
	if err != nil {
		return "", &EvalError{Name: "CompileError", Message: err.Error(), Err: err}
	}
	if isNameChain(e) {
		if pkg, name, ok := strings.Cut(expr, "."); ok {
			if syms, ok := s.packageSymbols(pkg); ok {
				if v, ok := syms[name]; ok {
					if v.Kind() == reflect.Pointer && v.IsNil() {
						return "type " + v.Type().Elem().String(), nil
					}
					return v.Type().String(), nil
				}
			}
		}
		if t, ok := s.typeOf(expr); ok {
			return t.String(), nil
		}
	}
	const wrap = "fmt.Sprintf(\"%T\", "
	res, err := s.Eval(ctx, wrap+expr+")")
	if err != nil {
		var ee *EvalError
		if errors.As(err, &ee) {
			ee.Message = shiftColumns(ee.Message, len(wrap))
		}
		return "", err
	}
	return fmt.Sprint(res.Value), nil
}

// firstLinePos matches a position on the first line of an input at the
// start of a message or after a space or parenthesis.
var firstLinePos = regexp.MustCompile(`(^|[\s(])1:(\d+)`)

// shiftColumns moves the columns of positions on line 1 of msg n to the
// left: TypeOf evaluates the user's expression behind n characters of its
// own.
func shiftColumns(msg string, n int) string {
	return firstLinePos.ReplaceAllStringFunc(msg, func(m string) string {
		sub := firstLinePos.FindStringSubmatch(m)
		col, _ := strconv.Atoi(sub[2])
		return sub[1] + "1:" + strconv.Itoa(max(col-n, 1))
	})
}

func (s *Session) stopStreams(graceful bool) {
	// One stop at a time: a context must not be stopped twice at once.
	s.stopMu.Lock()
	defer s.stopMu.Unlock()
	for _, c := range s.Streams() {
		c.Stop(graceful)
	}
	s.Streams() // forgets the stopped contexts, reporting errors not shown yet
}

// Streams returns the contexts created in this session that are active
// (started and not stopped), oldest first.
func (s *Session) Streams() []*engine.StreamingContext {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*engine.StreamingContext
	keep := s.contexts[:0]
	for _, c := range s.contexts {
		switch c.State() {
		case engine.Active:
			out = append(out, c)
			keep = append(keep, c)
		case engine.Initialized:
			keep = append(keep, c)
		default:
			s.forget(c)
		}
	}
	s.contexts = keep
	return out
}

// Contexts returns every context created in this session that is not
// stopped (initialized or active), oldest first.
func (s *Session) Contexts() []*engine.StreamingContext {
	s.Streams()
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*engine.StreamingContext(nil), s.contexts...)
}

// Reset stops the session's streams and starts a fresh interpreter: every
// variable, function and type is forgotten.
func (s *Session) Reset() error {
	s.Interrupt()
	s.evalMu.Lock()
	defer s.evalMu.Unlock()
	s.stopStreams(false)
	return s.init()
}

// Close stops the session's streams gracefully and detaches the session
// from the engine.
func (s *Session) Close() error {
	s.stopStreams(true)
	for _, remove := range s.removeHooks {
		remove()
	}
	s.removeHooks = nil
	s.capture.restore()
	s.capture = nil
	return nil
}

// Globals returns the names of the variables, constants, functions and
// types declared so far, sorted.
func (s *Session) Globals() []string {
	s.mu.Lock()
	in := s.in
	set := map[string]bool{}
	for n := range s.names {
		set[n] = true
	}
	s.mu.Unlock()
	for _, n := range globalNames(in) {
		set[n] = true
	}
	var out []string
	for n := range set {
		if n == "_" || strings.HasPrefix(n, "__gostream") {
			continue
		}
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// globalNames returns the names of the interpreter's global variables and
// constants. A failed compilation leaves the interpreter's scope as it was
// (see takeScope), so listing them succeeds; should the interpreter panic
// all the same, only the names the session recorded itself are known.
func globalNames(in *interp.Interpreter) (names []string) {
	defer func() {
		if recover() != nil {
			names = nil
		}
	}()
	for n := range in.Globals() {
		names = append(names, n)
	}
	return names
}
