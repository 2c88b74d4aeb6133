package session

import (
	"errors"
	"fmt"
	"go/scanner"
	"regexp"
	"strconv"
	"strings"

	"github.com/gostream/gostream/engine"
	"github.com/traefik/yaegi/interp"
)

// EvalError is what Eval returns for compile errors, runtime panics and
// interpreter crashes. Name is the class of error: "CompileError", "panic",
// "engine.Error", "InterpreterError" (the interpreter itself failed on the
// input) or "Interrupted".
type EvalError struct {
	Name      string
	Message   string // with line:col of the user's input where known, e.g. "3:5: undefined: foo"
	Traceback []string
	// Err is the underlying error, if any (for errors.As / errors.Is).
	Err error
}

func (e *EvalError) Error() string {
	if e.Name == "" || e.Name == "CompileError" {
		return e.Message
	}
	return e.Name + ": " + e.Message
}

func (e *EvalError) Unwrap() error { return e.Err }

// ErrInterrupted is wrapped by the *EvalError of an input stopped by
// Interrupt or by its context.
var ErrInterrupted = errors.New("session: input interrupted")

// posRE matches a position the interpreter reports: "_.go:3:5" or "3:5"
// at the start of a message or after a space or parenthesis.
var posRE = regexp.MustCompile(`(^|[\s(])(?:_\.go:)?(\d+):(\d+)`)

// userPositions rewrites the interpreter's positions in msg to positions in
// the user's input: the interpreter sees every chunk one line down (see
// chunk.padded). Positions on the synthetic line 1 have no user meaning and
// are dropped.
func userPositions(msg string) string {
	return posRE.ReplaceAllStringFunc(msg, func(m string) string {
		sub := posRE.FindStringSubmatch(m)
		line, _ := strconv.Atoi(sub[2])
		if line <= 1 {
			return sub[1] + "?:?"
		}
		return sub[1] + strconv.Itoa(line-1) + ":" + sub[3]
	})
}

// compileError converts an error from parsing or compiling a chunk.
func compileError(err error) *EvalError {
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		// The parser's first error is the one to fix; those after it
		// mostly follow from it (a missing ',' on the interpreter's own
		// closing line).
		return &EvalError{Name: "CompileError", Message: userPositions(list[0].Error()), Err: err}
	}
	return &EvalError{Name: "CompileError", Message: goTypeNames(userPositions(err.Error())), Err: err}
}

// kindRE matches the names of the interpreter's type categories after
// "type " in its messages: cannot use "s" (type stringT) as type intT.
var kindRE = regexp.MustCompile(`\btype (nilT|arrayT|boolT|chanT|complex64T|complex128T|errorT|float32T|float64T|funcT|interfaceT|` +
	`intT|int8T|int16T|int32T|int64T|mapT|ptrT|sliceT|stringT|structT|uintT|uint8T|uint16T|uint32T|uint64T|uintptrT)\b`)

// goKinds names the interpreter's type categories as Go does.
var goKinds = map[string]string{
	"nilT": "untyped nil", "arrayT": "array", "chanT": "chan", "funcT": "func",
	"interfaceT": "interface", "mapT": "map", "ptrT": "pointer", "sliceT": "slice", "structT": "struct",
}

// goTypeNames replaces the interpreter's type category names in msg by
// Go's: "(type stringT) as type intT" becomes "(type string) as type int".
func goTypeNames(msg string) string {
	return kindRE.ReplaceAllStringFunc(msg, func(m string) string {
		kind := strings.TrimPrefix(m, "type ")
		if g, ok := goKinds[kind]; ok {
			return "type " + g
		}
		return "type " + strings.TrimSuffix(kind, "T")
	})
}

// scanError converts an error found while splitting the input; its
// positions are the user's, counted from the first line of the input, which
// is line offset+1 of the user's text (named file, if not "").
func scanError(err error, file string, offset int) *EvalError {
	msg := posRE.ReplaceAllStringFunc(err.Error(), func(m string) string {
		sub := posRE.FindStringSubmatch(m)
		line, _ := strconv.Atoi(sub[2])
		return sub[1] + filePrefix(file) + strconv.Itoa(line+offset) + ":" + sub[3]
	})
	return &EvalError{Name: "CompileError", Message: msg, Err: err}
}

// filePrefix is "file:", or "" for no file.
func filePrefix(file string) string {
	if file == "" {
		return ""
	}
	return file + ":"
}

// runtimeError converts a panic recovered while executing a chunk; trace
// holds the interpreter's "line:col: panic: func(...)" lines, innermost first.
func runtimeError(v any, trace []string) *EvalError {
	e := &EvalError{Name: "panic"}
	var ee *engine.Error
	switch x := v.(type) {
	case *engine.Error:
		e.Name, e.Message, e.Err = "engine.Error", x.Error(), x
	case error:
		e.Message, e.Err = x.Error(), x
		if errors.As(x, &ee) {
			e.Name = "engine.Error"
		}
	default:
		e.Message = fmt.Sprint(v)
	}
	if len(trace) > 0 {
		// "3:5: panic: main.f(...)" → where the panic happened.
		if where, _, ok := strings.Cut(trace[0], ": panic"); ok && !strings.HasPrefix(where, "?") {
			e.Message = where + ": " + e.Message
		}
	}
	for _, l := range trace {
		// The synthetic function that holds an input's statements is no
		// frame of the user's.
		if !strings.HasSuffix(l, ": panic: main(...)") {
			e.Traceback = append(e.Traceback, l)
		}
	}
	return e
}

// crashError converts a Go panic of the interpreter itself.
func crashError(v any) *EvalError {
	return &EvalError{
		Name:    "InterpreterError",
		Message: userPositions(fmt.Sprintf("the interpreter cannot evaluate this input: %v", v)),
	}
}

func panicValue(err error) (any, bool) {
	var p interp.Panic
	if errors.As(err, &p) {
		return p.Value, true
	}
	return nil, false
}
