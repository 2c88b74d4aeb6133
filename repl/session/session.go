package session

import (
	"context"
	"errors"
	"fmt"
	"go/parser"
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
	rel         *releaser // of in (release.go)
	stopInput   func()    // stops the running input; nil when none runs
	needReset   bool      // the interpreter was stopped with no input running
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
	s.rel = newReleaser()
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
	s.mu.Lock()
	in, rel := s.in, s.rel
	s.mu.Unlock()
	rel.release(in)
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
