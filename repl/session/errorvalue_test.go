package session

import (
	"context"
	"errors"
	"testing"

	"github.com/gostream/gostream/engine"
)

// TestErrorValueFailsTheInput: an input whose value is a non-nil error
// fails with that error, at the position of the expression; a nil error
// shows nothing, and a value of another type is shown.
func TestErrorValueFailsTheInput(t *testing.T) {
	s, _ := newSession(t)
	mustEval(t, s, "import \"errors\"\nssc := engine.NewStreamingContext(\"local[2]\", \"Stopped\", engine.Seconds(1), engine.WithManualClock())\nssc.Stop(false)")
	steps := []struct {
		name, src       string
		errName, errMsg string
		text            string
	}{
		{name: "engine error", src: "ssc.Start()", errName: "engine.Error",
			errMsg: "1:1: engine: StreamingContext.Start: the context is stopped and cannot be restarted; create a new one"},
		{name: "error after statements", src: "n := 1\n\n  errors.New(\"went wrong\")", errName: "error", errMsg: "3:3: went wrong"},
		{name: "interpreted error type", src: "type myErr struct{}\nfunc (myErr) Error() string { return \"mine\" }\nfunc mine() error { return myErr{} }\nmine()", errName: "error", errMsg: "4:1: mine"},
		{name: "nil error call", src: "func fine() error { return nil }\nfine()"},
		{name: "string", src: `"not an error"`, text: "not an error"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			res, err := s.Eval(context.Background(), st.src)
			if st.errName == "" {
				if err != nil || res.Text != st.text {
					t.Fatalf("Eval = %q, %v; want %q, no error", res.Text, err, st.text)
				}
				return
			}
			var ee *EvalError
			if !errors.As(err, &ee) || ee.Name != st.errName || ee.Message != st.errMsg {
				t.Fatalf("Eval = %q, %#v; want %s %q", res.Text, err, st.errName, st.errMsg)
			}
			if res.HasValue {
				t.Errorf("the failed input has the value %q", res.Text)
			}
		})
	}
	var ee *engine.Error
	if _, err := s.Eval(context.Background(), "ssc.Start()"); !errors.As(err, &ee) {
		t.Errorf("the error %v does not wrap the *engine.Error", err)
	}
}
