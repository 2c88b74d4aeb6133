package engine

import (
	"errors"
	"fmt"
	"reflect"
)

// Error is the error of a misused or failing operation. Building a graph
// wrongly panics with an *Error at once; a batch that fails at run time
// returns one from Advance and AwaitTermination.
type Error struct {
	Op   string // the operation, e.g. "ReduceByKey" or "StreamingContext.Start"
	Time Time   // the batch time for run-time failures; 0 when building the graph
	Msg  string // what was expected and what was given
	Err  error  // the underlying error, if any
}

func (e *Error) Error() string {
	if e.Time != 0 {
		return fmt.Sprintf("engine: %s at %s: %s", e.Op, e.Time, e.Msg)
	}
	return fmt.Sprintf("engine: %s: %s", e.Op, e.Msg)
}

func (e *Error) Unwrap() error { return e.Err }

// Marker errors, for errors.Is.
var (
	// ErrStopped is returned when an operation needs a context that is not stopped.
	ErrStopped = errors.New("engine: context stopped")
	// ErrBatchFailed marks errors of batches whose jobs failed.
	ErrBatchFailed = errors.New("engine: batch failed")
	// ErrQueueCheckpoint is returned by Start when a QueueStream is in a
	// graph that checkpoints, which it cannot support.
	ErrQueueCheckpoint = errors.New("engine: QueueStream does not support checkpointing")
)

// buildErrorf panics with a construction error naming op.
func buildErrorf(op string, format string, args ...any) {
	panic(&Error{Op: op, Msg: fmt.Sprintf(format, args...)})
}

// taskFailure carries a run-time failure of a user function or element through
// the panics that unwind a task; the task recovers it and fails its batch.
type taskFailure struct{ err *Error }

// typeName names the dynamic type of v the way a user would write it.
func typeName(v any) string {
	if v == nil {
		return "nil"
	}
	return reflect.TypeOf(v).String()
}

// failElem panics out of the running task: op met value v where it wanted want.
func failElem(op string, v any, want string) {
	panic(taskFailure{&Error{Op: op, Msg: fmt.Sprintf("element of type %s (%s) where the function takes %s", typeName(v), Format(v), want)}})
}

// failUser turns a recovered panic of a user function into a task failure.
func failUser(op string, r any, v any) {
	failWith(op, r, fmt.Sprintf("function panicked on element of type %s", typeName(v)))
}

// failRDDFunc turns a recovered panic of a function given a whole RDD
// (Transform, TransformWith, ForeachRDD) into a task failure.
func failRDDFunc(op string, r any) {
	failWith(op, r, "function panicked")
}

func failWith(op string, r any, what string) {
	switch x := r.(type) {
	case taskFailure:
		panic(x)
	case *Error:
		// A batch's action failing inside a function given a whole RDD
		// (executor.run sets the time); a build error (no time) is the
		// function's own misuse and is reported as its panic.
		if x.Time != 0 {
			panic(taskFailure{x})
		}
	}
	var err error
	if e, ok := r.(error); ok {
		err = e
	}
	panic(taskFailure{&Error{Op: op, Msg: fmt.Sprintf("%s: %v", what, r), Err: err}})
}
