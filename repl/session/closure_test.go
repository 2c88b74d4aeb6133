package session

import (
	"reflect"
	"strings"
	"testing"

	"github.com/gostream/gostream/engine"
	"github.com/gostream/gostream/internal/canon"
)

// TestCompiledClosuresInAStream: with the closure compiler on, the
// closures of the word count are compiled (none of them runs in the
// interpreter) and the stream prints what the interpreted one prints; the
// user evaluates the next input while batches run the compiled closures,
// which touch no interpreter frame (run under -race).
func TestCompiledClosuresInAStream(t *testing.T) {
	s, out := newSession(t)
	before := closureCount.Load()
	mustEval(t, s, `ssc := engine.NewStreamingContext("local[2]", "compiled", engine.Seconds(1), engine.WithManualClock())
q := engine.NewQueue()
ssc.QueueStream(q, true).
	FlatMap(func(line string) []string { return strings.Fields(line) }).
	Map(func(w string) engine.Pair { return engine.KV(w, 1) }).
	ReduceByKey(func(a, b int) int { return a + b }).
	Print()
ssc.Start()`)
	if n := closureCount.Load() - before; n != 3 {
		t.Fatalf("%d closures compiled; want 3", n)
	}
	mustEval(t, s, `q.Push("to be or not to be")`)
	done := make(chan error, 1)
	go func() { _, err := s.Eval(t.Context(), "ssc.Advance(engine.Seconds(1))"); done <- err }()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mustEval(t, s, "x := 1\nx + 1")
	got := out.String()
	for _, want := range []string{"(to,2)", "(be,2)", "(or,1)", "(not,1)"} {
		if !strings.Contains(got, want) {
			t.Errorf("output %q lacks %s", got, want)
		}
	}
}

// TestCompiledClosureCaptures: a compiled closure reaches the variables it
// captures through pointers taken when the literal is evaluated: it sees
// later assignments, and not a later input's new variable of the same
// name.
func TestCompiledClosureCaptures(t *testing.T) {
	s, out := newSession(t)
	before := closureCount.Load()
	mustEval(t, s, `k := 2
suffix := "!"
ssc := engine.NewStreamingContext("local[2]", "captures", engine.Seconds(1), engine.WithManualClock())
q := engine.NewQueue()
ssc.QueueStream(q, true).Map(func(s string) string { return strings.Repeat(s, k) + suffix }).Print()
ssc.Start()`)
	if n := closureCount.Load() - before; n != 1 {
		t.Fatalf("%d closures compiled; want 1", n)
	}
	batch := func(want string) {
		t.Helper()
		out.Reset()
		mustEval(t, s, `q.Push("ab")`)
		mustEval(t, s, "ssc.Advance(engine.Seconds(1))")
		if got := out.String(); !strings.Contains(got, "\n"+want+"\n") {
			t.Fatalf("batch printed %q; want the line %s", got, want)
		}
	}
	batch("abab!")
	mustEval(t, s, `k = 3`)
	batch("ababab!")
	mustEval(t, s, `k := 5
suffix := "?"`)
	batch("ababab!")
}

// TestCompiledClosurePanicPlaced: a compiled closure's runtime panic keeps
// Go's message and says where in the input it happened.
func TestCompiledClosurePanicPlaced(t *testing.T) {
	s, out := newSession(t)
	before := closureCount.Load()
	mustEval(t, s, `ssc := engine.NewStreamingContext("local[2]", "panics", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
q := engine.NewQueue()
ssc.QueueStream(q, true).
	Map(func(s string) int { return 10 / len(s) }).
	Print()
ssc.Start()`)
	if n := closureCount.Load() - before; n != 1 {
		t.Fatalf("%d closures compiled; want 1", n)
	}
	mustEval(t, s, `q.Push("")`)
	out.Reset()
	mustEval(t, s, "ssc.Advance(engine.Seconds(1))")
	const want = "batch error: engine: Map at 1000 ms: function panicked on element of type string: 4:34: runtime error: integer divide by zero\n"
	if got := out.String(); got != want {
		t.Fatalf("Advance over a division by zero printed %q; want %q", got, want)
	}
}

// TestForwardingLiteralIsTheFunction: a literal that only passes its
// parameters on, in order, to a package's function of its own type is
// that function, so the engine sees strings.Fields and splits lines
// itself; a literal that does anything more is a closure of its own.
func TestForwardingLiteralIsTheFunction(t *testing.T) {
	for _, c := range []struct {
		src  string
		is   any // the function the literal is, or nil
		args []reflect.Value
	}{
		{`func(line string) []string { return strings.Fields(line) }`, strings.Fields, nil},
		{`func(s string) string { return strings.ToUpper(s) }`, strings.ToUpper, nil},
		{`func(a, b string) bool { return strings.HasPrefix(a, b) }`, strings.HasPrefix, nil},
		{`func(a, b string) bool { return strings.HasPrefix(b, a) }`, nil,
			[]reflect.Value{reflect.ValueOf("ab"), reflect.ValueOf("abc")}},
		{`func(s string) string { return strings.ToLower(u) }`, nil, []reflect.Value{reflect.ValueOf("x")}},
		{`func(line string) []string { return strings.Fields(strings.TrimSpace(line)) }`, nil,
			[]reflect.Value{reflect.ValueOf(" a b ")}},
	} {
		fn, ok := compileLiteral(t, c.src)
		if !ok {
			t.Errorf("%s: not compiled", c.src)
			continue
		}
		if c.is != nil {
			if fn.Pointer() != reflect.ValueOf(c.is).Pointer() {
				t.Errorf("%s: compiled to a closure of its own, want the function it forwards to", c.src)
			}
			continue
		}
		for _, f := range []any{strings.Fields, strings.ToUpper, strings.ToLower, strings.HasPrefix} {
			if fn.Pointer() == reflect.ValueOf(f).Pointer() {
				t.Errorf("%s: compiled to the function it calls, which is not all it does", c.src)
			}
		}
		fn.Call(c.args)
	}
}

func TestCanonicalLiteralIsTheEnginesFunction(t *testing.T) {
	one := []reflect.Value{reflect.ValueOf("w")}
	ints := []reflect.Value{reflect.ValueOf(7), reflect.ValueOf(2)}
	floats := []reflect.Value{reflect.ValueOf(7.0), reflect.ValueOf(2.0)}
	for _, c := range []struct {
		src  string
		is   any // the function the literal is, or nil
		args []reflect.Value
		want any // what the literal returns for args
	}{
		{`func(w string) engine.Pair { return engine.KV(w, 1) }`, canon.StrWithOne[engine.Pair], one, engine.KV("w", 1)},
		{`func(w string) engine.Pair { return engine.Pair{w, 1} }`, canon.StrWithOne[engine.Pair], one, engine.KV("w", 1)},
		{`func(w string) engine.Pair { return engine.Pair{Value: 1, Key: w} }`, canon.StrWithOne[engine.Pair], one, engine.KV("w", 1)},
		{`func(w string) engine.Pair { return (engine.KV(w, (1))) }`, canon.StrWithOne[engine.Pair], one, engine.KV("w", 1)},
		{`func(a, b int) int { return a + b }`, engine.Sum, ints, 9},
		{`func(x, y int) int { return y + x }`, engine.Sum, ints, 9},
		{`func(a, b float64) float64 { return a + b }`, engine.SumFloat, floats, 9.0},
		{`func(a, b int) int { return a - b }`, engine.Diff, ints, 5},
		// Not what those functions do:
		{`func(w string) engine.Pair { return engine.KV(w, 2) }`, nil, one, engine.KV("w", 2)},
		{`func(w string) engine.Pair { return engine.KV(w, 1.0) }`, nil, one, engine.KV("w", 1.0)},
		{`func(w string) engine.Pair { return engine.KV(1, w) }`, nil, one, engine.KV(1, "w")},
		{`func(w string) engine.Pair { return engine.KV(u, 1) }`, nil, one, engine.KV("ab", 1)},
		{`func(w string) engine.Pair { return engine.KV(w, len(w)) }`, nil, one, engine.KV("w", 1)},
		{`func(w string) engine.Pair { return engine.KV(w, w) }`, nil, one, engine.KV("w", "w")},
		{`func(a, b int) int { return b - a }`, nil, ints, -5},
		{`func(a, b int) int { return a + k }`, nil, ints, 12},
		{`func(a, b float64) float64 { return b + a }`, nil, floats, 9.0},
		{`func(a, b int) int { return a * b }`, nil, ints, 14},
	} {
		fn, ok := compileLiteral(t, c.src)
		if !ok {
			t.Errorf("%s: not compiled", c.src)
			continue
		}
		if got := fn.Call(c.args)[0].Interface(); got != c.want {
			t.Errorf("%s: returned %v, want %v", c.src, got, c.want)
		}
		known := []any{canon.StrWithOne[engine.Pair], engine.Sum, engine.SumFloat, engine.Diff}
		if c.is != nil {
			if fn.Pointer() != reflect.ValueOf(c.is).Pointer() {
				t.Errorf("%s: compiled to a closure of its own, want the engine's function", c.src)
			}
			continue
		}
		for _, f := range known {
			if fn.Pointer() == reflect.ValueOf(f).Pointer() {
				t.Errorf("%s: compiled to an engine function that does something else", c.src)
			}
		}
	}
}

// TestCanonicalLiteralsInAStream: the seed's word count typed with
// closures that become the engine's own functions gives the same output,
// and the same error for an element the literal cannot take, as with the
// closures interpreted.
func TestCanonicalLiteralsInAStream(t *testing.T) {
	run := func(compile bool) string {
		defer func(prev bool) { CompileClosures = prev }(CompileClosures)
		CompileClosures = compile
		s, out := newSession(t)
		mustEval(t, s, `ssc := engine.NewStreamingContext("local[2]", "canon", engine.Seconds(1), engine.WithManualClock())
words, lines := engine.NewQueue(), engine.NewQueue()
ssc.QueueStream(words, true).
	FlatMap(func(line string) []string { return strings.Fields(line) }).
	Map(func(w string) engine.Pair { return engine.KV(w, 1) }).
	ReduceByKey(func(a, b int) int { return a + b }).
	Print()
ssc.QueueStream(lines, true).
	Map(func(w string) engine.Pair { return engine.Pair{Key: w, Value: 1} }).
	ReduceByKey(func(a, b int) int { return b + a }).
	Print()
ssc.Start()
words.Push("to be or not to be", "be")
lines.Push("to be or not to be", "be")`)
		mustEval(t, s, "ssc.Advance(engine.Seconds(1))")
		mustEval(t, s, "lines.Push(7)")
		mustEval(t, s, "ssc.Advance(engine.Seconds(1))")
		return out.String()
	}
	compiled, interpreted := run(true), run(false)
	if compiled != interpreted {
		t.Errorf("compiled, the output is\n%s\ninterpreted\n%s", compiled, interpreted)
	}
	for _, want := range []string{"(to,2)", "(be,3)", "(to be or not to be,1)", "(be,1)"} {
		if !strings.Contains(compiled, want) {
			t.Errorf("output %q lacks %s", compiled, want)
		}
	}
	if want := "batch error: engine: Map at 2000 ms: element of type int (7) where the function takes string"; !strings.Contains(compiled, want) {
		t.Errorf("output %q lacks %s", compiled, want)
	}
}
