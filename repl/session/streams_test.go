package session

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gostream/gostream/engine"
)

func skipUnderRace(t *testing.T) {
	t.Helper()
	if raceDetector {
		t.Skip("an interpreted closure runs in batches while the session evaluates: yaegi's frames are unsynchronised (see race_test.go)")
	}
}

// checkFor polls cond until it holds or the timeout passes.
func checkFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func mustEval(t *testing.T, s *Session, src string) Result {
	t.Helper()
	r, err := s.Eval(context.Background(), src)
	if err != nil {
		t.Fatalf("Eval(%q): %v", src, err)
	}
	return r
}

// syncBuffer is a bytes.Buffer safe for the engine's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestInterruptNeverZeroesClosures interrupts, again and again, an input
// that runs interpreted code while a stream calls an interpreted Map
// closure every record. The closure's results are checked by compiled code:
// no batch may ever see the zero value that a cancelled interpreter makes
// interpreted closures return.
//
// The Map closure is compiled (it touches no interpreter frame), so the
// test runs under -race too.
func TestInterruptNeverZeroesClosures(t *testing.T) {
	s, _ := newSession(t)
	var zeros, records, batches atomic.Int64
	mustEval(t, s, "spins := 0")
	for round := 0; round < 5; round++ {
		compiled := closureCount.Load()
		mustEval(t, s, `
ssc := engine.NewStreamingContext("local[2]", "hazard", engine.Milliseconds(5))
lens := ssc.RateStream(20000).Map(func(line string) int { return len(line) + 1000 })`)
		if closureCount.Load() != compiled+1 {
			t.Fatal("the Map closure was not compiled")
		}
		lens := mustEval(t, s, "lens").Value.(*engine.DStream)
		lens.ForeachRDD(func(r *engine.RDD) {
			for _, x := range r.Collect() {
				records.Add(1)
				if x.(int) < 1000 {
					zeros.Add(1)
				}
			}
			batches.Add(1)
		})
		mustEval(t, s, "ssc.Start()")
		before := batches.Load()

		done := make(chan error, 1)
		go func() {
			// Interpreted code keeps running while the batches call the closure.
			_, err := s.Eval(context.Background(), "for { spins++ }")
			done <- err
		}()
		checkFor(t, 10*time.Second, "batches while the input runs", func() bool { return batches.Load() >= before+3 })
		s.Interrupt()
		var err error
		select {
		case err = <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("Eval did not return after Interrupt")
		}
		var ee *EvalError
		if !errors.As(err, &ee) || ee.Name != "Interrupted" || !errors.Is(err, ErrInterrupted) {
			t.Fatalf("interrupted Eval returned %v; want an Interrupted *EvalError", err)
		}
		if n := len(s.Streams()); n != 0 {
			t.Fatalf("%d streams active after Interrupt; want 0", n)
		}
		if r := mustEval(t, s, "spins > 0"); r.Text != "true" {
			t.Fatalf("spins > 0 = %q after interrupt; want true (variables kept)", r.Text)
		}
	}
	if zeros.Load() != 0 {
		t.Fatalf("%d of %d records were zero values from a cancelled interpreter", zeros.Load(), records.Load())
	}
	if records.Load() == 0 {
		t.Fatal("no records processed")
	}
	// The interpreter is usable: a closure works after all the interrupts.
	if r := mustEval(t, s, "double := func(x int) int { return x * 2 }\ndouble(21)"); r.Text != "42" {
		t.Fatalf("closure after interrupts = %q; want 42", r.Text)
	}
}

// TestStreamOutputStaysWithItsInput: a context prints to the writer that
// was current when it was created, formats interpreted values with their
// String methods, and is listed by Streams while active.
func TestStreamOutputStaysWithItsInput(t *testing.T) {
	s, _ := newSession(t)
	var cell1, cell2 syncBuffer
	s.SetOutput(&cell1, &cell1)
	mustEval(t, s, `
type Reading struct{ Sensor string; C float64 }
func (r Reading) String() string { return r.Sensor + "=" + strconv.FormatFloat(r.C, 'f', 1, 64) }
ssc := engine.NewStreamingContext("local[2]", "cells", engine.Seconds(1), engine.WithManualClock())
q := engine.NewQueue()
ssc.QueueStream(q, true).Map(func(r Reading) engine.Pair { return engine.KV(r.Sensor, r) }).Print()
ssc.Start()`)
	s.SetOutput(&cell2, &cell2)
	mustEval(t, s, `q.Push(Reading{"a", 21.5})`)
	mustEval(t, s, `ssc.Advance(engine.Seconds(1))`)
	want := "-------------------------------------------\nTime: 1000 ms\n-------------------------------------------\n(a,a=21.5)\n\n"
	if got := cell1.String(); got != want {
		t.Errorf("first cell got %q; want %q", got, want)
	}
	if got := cell2.String(); got != "" {
		t.Errorf("second cell got %q; want nothing", got)
	}
	streams := s.Streams()
	if len(streams) != 1 || streams[0].AppName() != "cells" {
		t.Fatalf("Streams() = %v; want the one context", streams)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if streams[0].State() != engine.Stopped {
		t.Errorf("state after Close = %v; want stopped", streams[0].State())
	}
}

// TestCompiledFuncsStayCompiled: a compiled function passed from
// interpreted code is the compiled function itself, not an interpreter
// wrapper, so the engine calls it at compiled speed.
func TestCompiledFuncsStayCompiled(t *testing.T) {
	s, _ := newSession(t)
	r := mustEval(t, s, "f := strings.Fields\nf")
	f, ok := r.Value.(func(string) []string)
	if !ok {
		t.Fatalf("strings.Fields from the interpreter is %T; want func(string) []string", r.Value)
	}
	if got, want := reflect.ValueOf(f).Pointer(), reflect.ValueOf(strings.Fields).Pointer(); got != want {
		t.Fatalf("strings.Fields from the interpreter points at %s; want strings.Fields itself",
			runtime.FuncForPC(got).Name())
	}
	// Through the engine: the FlatMap stage gets the same func.
	r = mustEval(t, s, "var g any = engine.Sum\ng")
	if got, want := reflect.ValueOf(r.Value).Pointer(), reflect.ValueOf(engine.Sum).Pointer(); got != want {
		t.Fatalf("engine.Sum from the interpreter points at %s; want engine.Sum", runtime.FuncForPC(got).Name())
	}
	// An interpreted closure, by contrast, is a wrapper.
	r = mustEval(t, s, "h := func(s string) []string { return nil }\nh")
	if name := runtime.FuncForPC(reflect.ValueOf(r.Value).Pointer()).Name(); name == "strings.Fields" || strings.HasPrefix(name, "strings.") {
		t.Errorf("interpreted closure is %s; want an interpreter wrapper", name)
	}
}

// TestInterruptStuckBatch: a batch whose interpreted function never
// returns keeps the first Interrupt waiting; a second Interrupt stops the
// interpreter, the batch ends, the streams stop and the session goes on.
//
// The closure has a loop, so it stays interpreted, and it writes spins
// while the test's inputs read it: the test is skipped under -race.
func TestInterruptStuckBatch(t *testing.T) {
	skipUnderRace(t)
	s, _ := newSession(t)
	mustEval(t, s, `
spins := 0
ssc := engine.NewStreamingContext("local[2]", "stuck", engine.Milliseconds(10))
ssc.RateStream(100).Map(func(line string) int {
	for {
		spins++
	}
	return 1
}).Print()
ssc.Start()`)
	var entered atomic.Bool
	checkFor(t, 10*time.Second, "the stuck batch to start", func() bool {
		r, err := s.Eval(context.Background(), "spins > 0")
		entered.Store(err == nil && r.Text == "true")
		return entered.Load()
	})
	var notes syncBuffer
	s.SetOutput(&notes, &notes)
	first := make(chan struct{})
	go func() {
		s.Interrupt()
		close(first)
	}()
	select {
	case <-first:
		t.Fatal("Interrupt returned while the batch was stuck")
	case <-time.After(50 * time.Millisecond):
	}
	// The user is told why nothing happens, and what to do.
	checkFor(t, 20*time.Second, "the notice that Interrupt waits", func() bool {
		return strings.Contains(notes.String(), "waiting for the running batch to finish; interrupt again to force it")
	})
	s.Interrupt()
	select {
	case <-first:
	case <-time.After(10 * time.Second):
		t.Fatal("the first Interrupt did not return after the second")
	}
	if n := len(s.Streams()); n != 0 {
		t.Fatalf("%d streams active; want 0", n)
	}
	if r := mustEval(t, s, "double := func(x int) int { return x * 2 }\ndouble(4)"); r.Text != "8" {
		t.Fatalf("closure after the forced interrupt = %q; want 8", r.Text)
	}
	if r := mustEval(t, s, "spins > 0"); r.Text != "true" {
		t.Fatalf("spins > 0 = %q; want true", r.Text)
	}
}

// TestInterpretedClosureWhileEvaluating: a closure that stays interpreted
// (it has a loop) gives its results, checked by compiled code, while the
// session evaluates other inputs. It is skipped under -race: yaegi copies
// the global frame's interrupt channel into each call's frame without the
// lock under which every evaluation sets it (docs/typed-session.md).
func TestInterpretedClosureWhileEvaluating(t *testing.T) {
	skipUnderRace(t)
	s, _ := newSession(t)
	compiled := closureCount.Load()
	mustEval(t, s, `
ssc := engine.NewStreamingContext("local[2]", "interpreted", engine.Milliseconds(5))
lens := ssc.RateStream(2000).Map(func(line string) int {
	for {
		return len(line) + 1000
	}
})`)
	if closureCount.Load() != compiled {
		t.Fatal("a closure with a loop was compiled")
	}
	var bad, records, batches atomic.Int64
	lens := mustEval(t, s, "lens").Value.(*engine.DStream)
	lens.ForeachRDD(func(r *engine.RDD) {
		for _, x := range r.Collect() {
			records.Add(1)
			if x.(int) < 1000 {
				bad.Add(1)
			}
		}
		batches.Add(1)
	})
	mustEval(t, s, "ssc.Start()")
	deadline := time.Now().Add(20 * time.Second)
	for batches.Load() < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("%d batches in 20s; want 5", batches.Load())
		}
		mustEval(t, s, "x := 0\nfor i := 0; i < 10000; i++ { x += i }\nx")
	}
	mustEval(t, s, "ssc.Stop(false)")
	if bad.Load() != 0 || records.Load() == 0 {
		t.Fatalf("%d of %d records wrong", bad.Load(), records.Load())
	}
}
