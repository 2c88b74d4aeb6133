package session

import (
	"strings"
	"testing"
)

// TestCompiledClosuresInAStream: with the closure compiler on, the
// closures of the word count are compiled (none of them runs in the
// interpreter) and the stream prints what the interpreted one prints; the
// user evaluates the next input while batches run the compiled closures,
// which touch no interpreter frame (run under -race).
func TestCompiledClosuresInAStream(t *testing.T) {
	defer func(prev bool) { CompileClosures = prev }(CompileClosures)
	CompileClosures = true
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
