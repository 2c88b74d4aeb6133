package engine

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAwaitTerminationOrTimeout(t *testing.T) {
	ssc := newManual(t, "local")
	ssc.QueueStream(NewQueue(), true).Print()
	ssc.Start()
	if stopped, err := ssc.AwaitTerminationOrTimeout(20 * time.Millisecond); stopped || err != nil {
		t.Fatalf("running context: got %v %v", stopped, err)
	}
}

// Spark's awaitTerminationOrTimeout checks for an error and a stop before
// it waits, so a zero timeout reports a stopped or failed context reliably,
// and a negative one waits without limit.
func TestAwaitTerminationOrTimeoutNoWait(t *testing.T) {
	stopped := newManual(t, "local")
	stopped.QueueStream(NewQueue(), true).Print()
	stopped.Start()
	stopped.Stop(false)

	failed := newManual(t, "local")
	q := NewQueue()
	failed.QueueStream(q, true).Map(func(x int) int { return x }).Print()
	failed.Start()
	q.Push("x")
	if err := failed.Advance(time.Second); err == nil {
		t.Fatal("the batch did not fail")
	}
	for i := 0; i < 200; i++ {
		if st, err := stopped.AwaitTerminationOrTimeout(0); !st || err != nil {
			t.Fatalf("stopped context, timeout 0, try %d: got %v %v, want true <nil>", i, st, err)
		}
		if st, err := failed.AwaitTerminationOrTimeout(0); st || err == nil {
			t.Fatalf("failed context, timeout 0, try %d: got %v %v, want false and the batch error", i, st, err)
		}
	}

	waiting := newManual(t, "local")
	waiting.QueueStream(NewQueue(), true).Print()
	waiting.Start()
	go waiting.Stop(false)
	if st, err := waiting.AwaitTerminationOrTimeout(-1); !st || err != nil {
		t.Fatalf("negative timeout: got %v %v, want true <nil> once stopped", st, err)
	}
}

func TestConcurrentStop(t *testing.T) {
	ssc := NewStreamingContext("local[2]", "stop", Milliseconds(20), WithBatchLog(nil))
	ssc.RateStream(1000).Count().ForeachRDD(func(*RDD) {})
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ssc.Stop(i%2 == 0)
		}()
	}
	wg.Wait()
	if ssc.State() != Stopped {
		t.Fatalf("state %v", ssc.State())
	}
}

func TestGracefulStopProcessesQueued(t *testing.T) {
	ssc := newManual(t, "local[2]")
	q := NewQueue()
	var got []any
	ssc.QueueStream(q, false).ForeachRDD(func(r *RDD) { got = append(got, r.Collect()...) })
	ssc.Start()
	q.Push("a", "b")
	ssc.Stop(true)
	if len(got) != 2 {
		t.Fatalf("graceful stop processed %v", got)
	}
}

// submitWatch closes full once n batches have been submitted.
type submitWatch struct {
	mu   sync.Mutex
	n    int
	full chan struct{}
}

func (w *submitWatch) OnBatchCompleted(BatchInfo) {}

func (w *submitWatch) OnBatchSubmitted(BatchInfo) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.n--; w.n == 0 {
		close(w.full)
	}
}

// Stop(false) finishes the running batch and drops those queued behind it,
// even when processing has fallen behind the real clock.
func TestStopDropsQueuedBatches(t *testing.T) {
	ssc := NewStreamingContext("local[2]", "backlog", Milliseconds(5), WithBatchLog(nil))
	w := &submitWatch{n: 4, full: make(chan struct{})}
	ssc.AddStreamingListener(w)
	started, release := make(chan struct{}), make(chan struct{})
	var mu sync.Mutex
	var ran []Time
	ssc.QueueStream(NewQueue(), true).ForeachRDD(func(_ *RDD, bt Time) {
		mu.Lock()
		ran = append(ran, bt)
		first := len(ran) == 1
		mu.Unlock()
		if first {
			close(started)
			<-w.full // three more batches wait behind this one
			<-release
		}
	})
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	<-started // a loaded machine may generate the four batches before the first runs
	<-w.full
	stopped := make(chan struct{})
	go func() {
		ssc.Stop(false)
		close(stopped)
	}()
	<-ssc.sched.Stopping() // Stop has begun
	close(release)
	<-stopped
	mu.Lock()
	defer mu.Unlock()
	if len(ran) != 1 {
		t.Fatalf("Stop(false) ran the batches at %v, want only the one running when it was called", ran)
	}
}

// A ForeachRDD function may stop its own context: Stop returns at once, the
// batch completes, and no later batch starts (but the last batch of a
// graceful stop).
func TestStopFromOwnJob(t *testing.T) {
	for _, tc := range []struct {
		name     string
		graceful bool
		want     string
	}{
		{"Stop(false)", false, "[1000 ms 2000 ms]"},
		{"Stop(true)", true, "[1000 ms 2000 ms 3000 ms]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ssc := newManual(t, "local[2]")
			q := NewQueue()
			var ran []Time
			ssc.QueueStream(q, true).ForeachRDD(func(_ *RDD, bt Time) {
				ran = append(ran, bt)
				if bt == 2000 {
					ssc.Stop(tc.graceful)
					ssc.Stop(tc.graceful) // idempotent, from the job too
				}
			})
			for i := 0; i < 5; i++ {
				q.Push(i)
			}
			if err := ssc.Start(); err != nil {
				t.Fatal(err)
			}
			if err := ssc.Advance(Seconds(5)); err != nil {
				t.Fatal(err)
			}
			if err := ssc.AwaitTermination(); err != nil {
				t.Fatal(err)
			}
			if st := ssc.State(); st != Stopped {
				t.Fatalf("state %v after AwaitTermination", st)
			}
			if got := fmt.Sprint(ran); got != tc.want {
				t.Fatalf("batches run: %s, want %s", got, tc.want)
			}
		})
	}
	t.Run("real clock", func(t *testing.T) {
		ssc := NewStreamingContext("local[2]", "own", Milliseconds(5), WithBatchLog(nil))
		ssc.QueueStream(NewQueue(), true).ForeachRDD(func(*RDD) { ssc.Stop(true) })
		if err := ssc.Start(); err != nil {
			t.Fatal(err)
		}
		if err := ssc.AwaitTermination(); err != nil {
			t.Fatal(err)
		}
		if st := ssc.State(); st != Stopped {
			t.Fatalf("state %v after AwaitTermination", st)
		}
	})
}

// Advance from inside a job would wait for itself: it is refused.
func TestAdvanceFromOwnJob(t *testing.T) {
	ssc := newManual(t, "local")
	var inner error
	ssc.QueueStream(NewQueue(), true).ForeachRDD(func(*RDD) {
		if inner == nil {
			inner = ssc.Advance(Seconds(1))
		}
	})
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	if err := ssc.Advance(Seconds(2)); err != nil {
		t.Fatal(err)
	}
	var e *Error
	if !errors.As(inner, &e) || e.Op != "StreamingContext.Advance" || !strings.Contains(e.Msg, "inside one of the context's own jobs") {
		t.Fatalf("Advance inside ForeachRDD: got %v", inner)
	}
	if now := ssc.Now(); now != 2000 {
		t.Fatalf("clock at %s after Advance(2s), want 2000 ms", now)
	}
}
