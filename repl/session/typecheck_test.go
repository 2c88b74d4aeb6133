package session

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// evalError evaluates src and returns the message of its *EvalError.
func evalError(t *testing.T, s *Session, src string) string {
	t.Helper()
	_, err := s.Eval(context.Background(), src)
	var ee *EvalError
	if !errors.As(err, &ee) {
		t.Fatalf("Eval(%q) = %v; want an *EvalError", src, err)
	}
	return ee.Message
}

// TestTypeCheckedInputs: what the Go compiler rejects is rejected before
// the input runs, in the compiler's words, at the input's line:col.
func TestTypeCheckedInputs(t *testing.T) {
	s, out := newSession(t)
	mustEval(t, s, `ssc := engine.NewStreamingContext("local[2]", "typed", engine.Seconds(1), engine.WithManualClock())
q := engine.NewQueue()
counts := ssc.QueueStream(q, true).Map(func(w string) engine.Pair { return engine.KV(w, 1) })`)
	for _, c := range []struct{ src, want string }{
		{"ssc.Stop()", "1:1: not enough arguments in call to ssc.Stop\n\thave ()\n\twant (bool)"},
		{"1 << 70", "1:1: cannot use 1 << 70 (untyped int constant 1180591620717411303424) as int value in assignment to _ identifier (overflows)"},
		{"counts.Transform(func(r *engine.RDD) *engine.RDD {\n\treturn r.SortBy(func(p engine.Pair) int { return p.Value }, false)\n})",
			"2:51: cannot use p.Value (variable of interface type any) as int value in return statement: need type assertion"},
		{"n := strconv.Atoi(\"1\")", "1:6: assignment mismatch: 1 variable but strconv.Atoi returns 2 values"},
		{"func f() { unused := 1 }", "1:12: declared and not used: unused"},
	} {
		if got := evalError(t, s, c.src); got != c.want {
			t.Errorf("Eval(%q) = %q; want %q", c.src, got, c.want)
		}
	}

	// A failing input runs and declares nothing, also its parts before the
	// error.
	out.Reset()
	msg := evalError(t, s, "fmt.Println(\"ran\")\nx := 5\nfunc g() int { return \"s\" }")
	if !strings.HasPrefix(msg, "3:23: cannot use \"s\"") || out.Len() != 0 {
		t.Fatalf("Eval = %q, printed %q; want the error on line 3 and nothing printed", msg, out.String())
	}
	if got := evalError(t, s, "x"); got != "1:1: undefined: x" {
		t.Errorf("x after the failed input: %q; want undefined", got)
	}

	// What a shell input is not: top-level variables, the session's
	// imports and expression statements are used by later inputs.
	mustEval(t, s, "y := 2")
	mustEval(t, s, "y\ny + 1")
	// Declarations of earlier inputs, redeclared and extended.
	mustEval(t, s, "type point struct{ x, y int }")
	mustEval(t, s, "func (p point) sum() int { return p.x + p.y }")
	if r := mustEval(t, s, "point{1, 2}.sum()"); r.Text != "3" {
		t.Errorf("point{1, 2}.sum() = %q; want 3", r.Text)
	}
	mustEval(t, s, "y := \"now a string\"")
	if got := evalError(t, s, "y + 1"); got != "1:1: invalid operation: y + 1 (mismatched types string and untyped int)" {
		t.Errorf("y + 1 with y a string: %q", got)
	}
}

// TestIndexOutOfRange: an index out of range at the top of an input says
// what Go says, with the index and the length.
func TestIndexOutOfRange(t *testing.T) {
	s, _ := newSession(t)
	mustEval(t, s, "var arr []int\nxs := []string{\"a\"}\nk := 2")
	for _, c := range []struct{ src, want string }{
		{"arr[3]", "1:1: runtime error: index out of range [3] with length 0"},
		{"fmt.Println(xs[k-1])", "1:1: runtime error: index out of range [1] with length 1"},
	} {
		if got := evalError(t, s, c.src); got != c.want {
			t.Errorf("Eval(%q) = %q; want %q", c.src, got, c.want)
		}
	}
}
