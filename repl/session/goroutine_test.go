package session

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"
)

func newSyncSession(t *testing.T) (*Session, *syncBuffer) {
	t.Helper()
	out := &syncBuffer{}
	s, err := New(Options{Stdout: out, Stderr: out})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, out
}

// awaitOutput waits until out holds want after its first skip bytes.
func awaitOutput(t *testing.T, out *syncBuffer, skip int, want string) {
	t.Helper()
	checkFor(t, 10*time.Second, "output "+strconv.Quote(want), func() bool {
		return strings.Contains(out.String()[skip:], want)
	})
}

// TestGoroutinePanicIsReported: a panic in a goroutine started by user code
// is reported on stderr, with the user's positions, and the session (and the
// process) lives on with everything defined so far.
func TestGoroutinePanicIsReported(t *testing.T) {
	s, out := newSyncSession(t)
	mustEval(t, s, "kept := 42")
	steps := []struct {
		name string
		src  string
		want []string
	}{
		{name: "function literal", src: `go func() { panic("x") }()`,
			want: []string{"goroutine panic: 1:13: x\n", "\t1:1: go statement\n"}},
		{name: "declared function", src: "func boom() {\n\tvar m map[string]int\n\tm[\"a\"] = 1\n}\ngo boom()",
			want: []string{"goroutine panic: 2:6: assignment to entry in nil map\n", "\t2:6: panic: main.boom(...)\n", "\t5:1: go statement\n"}},
		{name: "go statement inside a function", src: "func later() {\n\tgo func(n int) {\n\t\tpanic(n)\n\t}(7)\n}\nlater()",
			want: []string{"goroutine panic: 3:3: 7\n", "\t2:2: go statement\n"}},
		{name: "method", src: "type counter struct{ n int }\nfunc (c *counter) fail(k int) { panic(c.n + k) }\nc := &counter{1}\ngo c.fail(2)",
			want: []string{"goroutine panic: 2:39: 3\n", "\t4:1: go statement\n"}},
		{name: "variadic", src: "func all(xs ...float64) { panic(xs) }\nys := []float64{1, 2}\ngo all(ys...)",
			want: []string{"goroutine panic: 1:27: [1 2]\n", "\t3:1: go statement\n"}},
	}
	for i, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			skip := len(out.String())
			if _, err := s.Eval(context.Background(), st.src); err != nil {
				t.Fatalf("Eval(%q): %v", st.src, err)
			}
			for _, w := range st.want {
				awaitOutput(t, out, skip, w)
			}
			if got := s.FailedBatches(); got != i+1 {
				t.Errorf("FailedBatches() = %d; want %d", got, i+1)
			}
			if r := mustEval(t, s, "kept"); r.Text != "42" {
				t.Errorf("kept = %q; want 42", r.Text)
			}
		})
	}
}

// TestGoStatementSemantics: the function value and the arguments of a go
// statement are evaluated by the calling goroutine, constants keep their
// untyped conversions, and the forms left as they are still run.
func TestGoStatementSemantics(t *testing.T) {
	s, _ := newSyncSession(t)
	steps := []struct{ name, src, text string }{
		{"arguments evaluated at the go statement",
			"done := make(chan int)\nfunc send(ch chan int, v int) { ch <- v }\nn := 1\ngo send(done, n); n = 2\n<-done", "1"},
		{"function value evaluated at the go statement",
			"f := func(ch chan int, v int) { ch <- v * 10 }\ngo f(done, n); f = nil\n<-done", "20"},
		{"variadic",
			"func sum(ch chan int, xs ...int) { t := 0; for _, x := range xs { t += x }; ch <- t }\nxs := []int{1, 2, 3}\ngo sum(done, xs...)\n<-done", "6"},
		{"untyped constant argument",
			"fc := make(chan float64)\nfunc half(ch chan float64, v float64) { ch <- v / 2 }\nconst three = 3\ngo half(fc, 1 + three)\n<-fc", "2"},
		{"untyped constant of an earlier input",
			"go half(fc, three)\n<-fc", "1.5"},
		{"constant expression of an earlier input",
			"go half(fc, three*2)\n<-fc", "3"},
		{"variable of an earlier input",
			"go send(done, n+1)\n<-done", "3"},
		{"generic function of an earlier input",
			"func id[T any](ch chan T, v T) { ch <- v }", ""},
		{"generic function with inferred types",
			"go id(fc, 4.0)\n<-fc", "4"},
		{"generic function instantiated",
			"go id[float64](fc, 5.0)\n<-fc", "5"},
		{"package constant argument",
			"go half(fc, math.MaxInt8)\n<-fc", "63.5"},
		{"several results as the arguments",
			"func two() (chan int, int) { return done, 5 }\ngo send(two())\n<-done", "5"},
		{"builtin",
			"closed := make(chan bool)\ngo close(closed)\n<-closed", "false"},
		{"nested go statements",
			"go func() { go send(done, 9) }()\n<-done", "9"},
		{"go statement across lines keeps later positions",
			"go send(\n\tdone,\n\tn,\n)\n<-done\nundefinedAfter", ""},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			r, err := s.Eval(context.Background(), st.src)
			if st.name == "go statement across lines keeps later positions" {
				if err == nil || !strings.Contains(err.Error(), "6:1: undefined: undefinedAfter") {
					t.Fatalf("Eval = %v; want an undefined name at 6:1", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Eval(%q): %v", st.src, err)
			}
			if r.Text != st.text {
				t.Errorf("got %q; want %q", r.Text, st.text)
			}
		})
	}
}

// TestGoroutinePanicAfterInterruptAndReset: goroutine panics are still
// reported after an interrupted input and after a reset.
func TestGoroutinePanicAfterInterruptAndReset(t *testing.T) {
	s, out := newSyncSession(t)
	mustEval(t, s, "n := 0")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.Eval(ctx, "for { n++ }"); err == nil {
		t.Fatal("the endless input was not interrupted")
	}
	skip := len(out.String())
	mustEval(t, s, `go func() { panic("after interrupt") }()`)
	awaitOutput(t, out, skip, "goroutine panic: 1:13: after interrupt\n")
	if err := s.Reset(); err != nil {
		t.Fatal(err)
	}
	skip = len(out.String())
	mustEval(t, s, `go func() { panic("after reset") }()`)
	awaitOutput(t, out, skip, "goroutine panic: 1:13: after reset\n")
	for _, g := range s.Globals() {
		if strings.HasPrefix(g, "__") {
			t.Errorf("Globals() shows %q", g)
		}
	}
}
