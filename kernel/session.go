package kernel

import (
	"context"
	"errors"
	"io"

	"github.com/gostream/gostream/kernel/display"
	"github.com/gostream/gostream/repl/session"
)

// NewSessionEvaluator returns the shared evaluation session as the kernel's
// Evaluator.
func NewSessionEvaluator(s *session.Session) Evaluator { return sessionEvaluator{s} }

type sessionEvaluator struct{ s *session.Session }

func (e sessionEvaluator) Eval(ctx context.Context, code string) (Result, error) {
	res, err := e.s.Eval(ctx, code)
	if err != nil {
		var se *session.EvalError
		if errors.As(err, &se) {
			return Result{}, &EvalError{Name: se.Name, Message: se.Message, Traceback: se.Traceback}
		}
		return Result{}, &EvalError{Name: "Error", Message: err.Error()}
	}
	if !res.HasValue {
		return Result{}, nil
	}
	data := map[string]any{}
	// A display.Data value shows as what it holds.
	if d, ok := res.Value.(display.Data); ok {
		for mime, v := range d {
			data[mime] = v
		}
	}
	if _, ok := data["text/plain"]; !ok {
		data["text/plain"] = res.Text
	}
	return Result{HasValue: true, Data: data}, nil
}

func (e sessionEvaluator) SetOutput(stdout, stderr io.Writer) { e.s.SetOutput(stdout, stderr) }
func (e sessionEvaluator) Interrupt()                         { e.s.Interrupt() }
func (e sessionEvaluator) Close() error                       { return e.s.Close() }

func (e sessionEvaluator) Complete(code string, cursor int) ([]string, int, int) {
	return e.s.Complete(code, cursor)
}

func (e sessionEvaluator) Inspect(code string, cursor int) (string, bool) {
	return e.s.Inspect(code, cursor)
}

func (e sessionEvaluator) IsComplete(code string) (string, string) { return e.s.IsComplete(code) }
