package session

import (
	"context"
	"io"
	"runtime"
	"testing"
	"weak"

	"github.com/gostream/gostream/engine"
)

func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestManyContextsReleased creates, runs and stops 200 contexts in one
// session, as a user trying things in the shell does, the README's word
// count typed with ordinary closures: stopped contexts are not kept, or
// keep only their small shells, and the heap grows by a few kilobytes a
// context (what the type checker keeps of each input), not by what the
// contexts held.
func TestManyContextsReleased(t *testing.T) {
	s, err := New(Options{Stdout: io.Discard, Stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !s.rel.ok {
		t.Fatalf("the session cannot release inputs' temporaries: %s", s.rel.why)
	}
	made := map[string][]weak.Pointer[engine.StreamingContext]{}
	defer engine.OnNewContext(func(c *engine.StreamingContext) { made[c.AppName()] = append(made[c.AppName()], weak.Make(c)) })()
	ctx := context.Background()
	if _, err := s.Eval(ctx, `import ("strings"; "github.com/gostream/gostream/engine")`); err != nil {
		t.Fatal(err)
	}
	cell := `ssc := engine.NewStreamingContext("local[2]", "try", engine.Milliseconds(100), engine.WithManualClock())
words := ssc.RateStream(50).FlatMap(func(line string) []string { return strings.Fields(line) })
counts := words.Map(func(w string) engine.Pair { return engine.KV(w, 1) }).ReduceByKey(func(a, b int) int { return a + b })
counts.Print()
ssc.Start()
ssc.Advance(engine.Seconds(1))
engine.NewStreamingContext("local[2]", "unused", engine.Seconds(1)).Stop(false)
ssc.Stop(false)`
	var at20 uint64
	for i := 1; i <= 200; i++ {
		if _, err := s.Eval(ctx, cell); err != nil {
			t.Fatalf("context %d: %v", i, err)
		}
		s.Streams()
		if i == 20 {
			at20 = heapAfterGC()
		}
	}
	at200 := heapAfterGC()
	live := func(app string) (n int) {
		for _, w := range made[app] {
			if w.Value() != nil {
				n++
			}
		}
		return n
	}
	// A context no variable names is gone once stopped. Each ssc := declares
	// a new variable, which keeps its context (functions declared before may
	// use it, as in Go), but a stopped context lets go of its graph.
	if n := live("unused"); len(made["unused"]) != 200 || n > 1 {
		t.Errorf("%d of %d stopped contexts that no variable names are still reachable, want at most the last", n, len(made["unused"]))
	}
	perContext := (int64(at200) - int64(at20)) / 180
	t.Logf("heap after GC: %.1f MB after 20 contexts, %.1f MB after 200 (%d bytes a context)", float64(at20)/(1<<20), float64(at200)/(1<<20), perContext)
	if perContext > 40<<10 {
		t.Errorf("the heap grows by %d bytes for each context created and stopped, want under 40 KiB", perContext)
	}
}

// TestReleaseKeepsVariables: releasing the temporaries of past inputs
// leaves every variable, also one declared again, and the functions and
// closures that use them as they were.
func TestReleaseKeepsVariables(t *testing.T) {
	s, err := New(Options{Stdout: io.Discard, Stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	for _, in := range []string{
		`x := 40`,
		`func old() int { return x + 1 }`,
		`add := func(n int) int { return x + n }`,
		`xs := []string{fmt.Sprint(x), strings.Repeat("a", 3)}`,
		`x := "again"`,
		`m := map[string]int{"k": len(xs)}`,
	} {
		if _, err := s.Eval(ctx, in); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
	}
	for expr, want := range map[string]string{
		`old()`:   "41",
		`add(2)`:  "42",
		`xs[1]`:   "aaa",
		`x`:       "again",
		`m["k"]`:  "2",
		`len(xs)`: "2",
	} {
		res, err := s.Eval(ctx, expr)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		if got := res.Text; got != want {
			t.Errorf("%s = %s, want %s", expr, got, want)
		}
	}
}
