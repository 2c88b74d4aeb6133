package kernel

import (
	"context"
	"io"
)

// Evaluator is what the kernel needs from an evaluation session. The shared
// session (package repl/session) satisfies it through NewSessionEvaluator;
// tests may supply their own.
type Evaluator interface {
	// Eval runs one cell. A failing cell returns an *EvalError.
	Eval(ctx context.Context, code string) (Result, error)
	// SetOutput routes the output of the next cell, and of the streaming
	// contexts it starts, to stdout and stderr.
	SetOutput(stdout, stderr io.Writer)
	// Interrupt stops the running cell and every active stream, keeping
	// every variable. A second Interrupt while the first waits for a batch
	// stuck in user code forces the interpreter to stop.
	Interrupt()
	// Complete, Inspect and IsComplete take and return byte offsets.
	Complete(code string, cursor int) (matches []string, start, end int)
	Inspect(code string, cursor int) (doc string, ok bool)
	IsComplete(code string) (status, indent string)
	// Close stops streams and releases the interpreter.
	Close() error
}

// Result is a cell's value.
type Result struct {
	HasValue bool
	// Data maps MIME types to the value's renderings; "text/plain" is
	// always there when HasValue is set.
	Data map[string]any
}

// EvalError is a cell's failure as Jupyter shows it.
type EvalError struct {
	Name      string // ename, e.g. "CompileError", "panic"
	Message   string // evalue
	Traceback []string
}

func (e *EvalError) Error() string { return e.Name + ": " + e.Message }
