package scheduler

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gostream/gostream/engine/internal/clock"
)

// recorder is a Jobs that records what the scheduler asks of it.
type recorder struct {
	mu        sync.Mutex
	generated []int64
	ran       []int64
	events    []string
	running   int // batches running now
	overlap   bool
	pending   bool
	stopped   int

	run func(t int64) error // called inside Run; nil: succeed
}

func (r *recorder) Generate(t int64) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.generated = append(r.generated, t)
	return t
}

func (r *recorder) Run(t int64) error {
	r.mu.Lock()
	r.running++
	if r.running > 1 {
		r.overlap = true
	}
	f := r.run
	r.mu.Unlock()
	var err error
	if f != nil {
		err = f(t)
	}
	r.mu.Lock()
	r.running--
	r.ran = append(r.ran, t)
	r.mu.Unlock()
	return err
}

func (r *recorder) StopInputs(graceful bool) { r.event(fmt.Sprintf("StopInputs(%v)", graceful)) }
func (r *recorder) Pending() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pending
}
func (r *recorder) Stopped() {
	r.mu.Lock()
	r.stopped++
	r.mu.Unlock()
	r.event("Stopped")
}

func (r *recorder) event(e string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func (r *recorder) got() (generated, ran []int64, events []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.generated), slices.Clone(r.ran), slices.Clone(r.events)
}

// checkFor polls cond until it holds or the bound passes.
func checkFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestAdvanceStepsBatchByBatch(t *testing.T) {
	hand := clock.NewManual(0)
	r := &recorder{}
	var seen []int64 // the clock's time inside each batch
	r.run = func(int64) error { seen = append(seen, hand.Now()); return nil }
	s := New[int64](r, hand, 100)
	s.Start(100, nil)
	for _, tc := range []struct {
		name string
		d    int64
		ran  []int64
		now  int64
	}{
		{"less than a batch", 50, nil, 50},
		{"to the first batch", 50, []int64{100}, 100},
		{"three batches and a half", 350, []int64{100, 200, 300, 400}, 450},
		{"nothing", 0, []int64{100, 200, 300, 400}, 450},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.Advance(tc.d); err != nil {
				t.Fatal(err)
			}
			gen, ran, _ := r.got()
			if !slices.Equal(ran, tc.ran) || !slices.Equal(gen, tc.ran) {
				t.Fatalf("generated %v, ran %v, want %v", gen, ran, tc.ran)
			}
			if now := hand.Now(); now != tc.now {
				t.Fatalf("the clock is at %d, want %d", now, tc.now)
			}
		})
	}
	if !slices.Equal(seen, []int64{100, 200, 300, 400}) {
		t.Fatalf("batches ran with the clock at %v, want at their own times", seen)
	}
}

func TestAdvanceReturnsFirstError(t *testing.T) {
	hand := clock.NewManual(0)
	r := &recorder{run: func(t int64) error {
		if t >= 200 {
			return fmt.Errorf("batch %d failed", t)
		}
		return nil
	}}
	s := New[int64](r, hand, 100)
	s.Start(100, nil)
	err := s.Advance(400)
	if err == nil || err.Error() != "batch 200 failed" {
		t.Fatalf("Advance returned %v, want batch 200's error", err)
	}
	if _, ran, _ := r.got(); !slices.Equal(ran, []int64{100, 200, 300, 400}) {
		t.Fatalf("ran %v: a failed batch must not stop the later ones", ran)
	}
	if got := s.Err(); got != err {
		t.Fatalf("Err() = %v, want the first error %v", got, err)
	}
	select {
	case <-s.Failed():
	default:
		t.Fatal("Failed is not closed after a batch error")
	}
	if stopped, werr := s.Wait(-1); stopped || werr != err {
		t.Fatalf("Wait() = %v, %v; want false and the first error", stopped, werr)
	}
}

func TestAdvanceRefuses(t *testing.T) {
	r := &recorder{}
	if err := New[int64](r, clock.System{}, 100).Advance(100); !errors.Is(err, ErrNotManual) {
		t.Fatalf("on the system clock: %v, want ErrNotManual", err)
	}
	s := New[int64](r, clock.NewManual(0), 100)
	if err := s.Advance(100); !errors.Is(err, ErrNotStarted) {
		t.Fatalf("before Start: %v, want ErrNotStarted", err)
	}
	s.Start(100, nil)
	var inner error
	r.run = func(int64) error { inner = s.Advance(100); return nil }
	if err := s.Advance(100); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(inner, ErrInJob) {
		t.Fatalf("from inside a batch: %v, want ErrInJob", inner)
	}
	s.Stop(false)
	if err := s.Advance(100); !errors.Is(err, ErrStopped) {
		t.Fatalf("after Stop: %v, want ErrStopped", err)
	}
	c := New[int64](r, clock.NewManual(0), 100)
	c.Close()
	if err := c.Advance(100); !errors.Is(err, ErrStopped) {
		t.Fatalf("after Close: %v, want ErrStopped", err)
	}
	select {
	case <-c.Done():
	default:
		t.Fatal("Close did not close Done")
	}
}

func TestStartRunsPendingFirst(t *testing.T) {
	hand := clock.NewManual(200)
	r := &recorder{}
	s := New[int64](r, hand, 100)
	s.Start(300, []int64{100, 200})
	if _, ran, _ := r.got(); !slices.Equal(ran, []int64{100, 200}) {
		t.Fatalf("Start on a manual clock ran %v, want the pending batches", ran)
	}
	if err := s.Advance(100); err != nil {
		t.Fatal(err)
	}
	if gen, ran, _ := r.got(); !slices.Equal(ran, []int64{100, 200, 300}) || !slices.Equal(gen, []int64{300}) {
		t.Fatalf("generated %v, ran %v; want 300 generated after the pending 100 and 200", gen, ran)
	}
}

// The system-clock loop generates every multiple of the interval, in
// order, and runs the batches one at a time.
func TestLoopGeneratesOnTheClock(t *testing.T) {
	r := &recorder{run: func(int64) error { time.Sleep(2 * time.Millisecond); return nil }}
	s := New[int64](r, clock.System{}, 5)
	now := time.Now().UnixMilli()
	first := (now/5 + 1) * 5
	s.Start(first, []int64{first - 10, first - 5})
	checkFor(t, "six batches", func() bool { _, ran, _ := r.got(); return len(ran) >= 6 })
	s.Stop(false)
	gen, ran, events := r.got()
	for i, g := range gen {
		if want := first + int64(i)*5; g != want {
			t.Fatalf("generated %v, want multiples of 5 from %d", gen, first)
		}
	}
	if ran[0] != first-10 || ran[1] != first-5 {
		t.Fatalf("ran %v, want the pending batches first", ran)
	}
	for i := 1; i < len(ran); i++ {
		if ran[i] != ran[i-1]+5 {
			t.Fatalf("ran %v, not in batch order", ran)
		}
	}
	if r.overlap {
		t.Fatal("two batches ran at once")
	}
	if !slices.Equal(events, []string{"StopInputs(false)", "Stopped"}) {
		t.Fatalf("stop events %v", events)
	}
}

// stalled starts a system-clock scheduler whose first batch blocks until
// release is closed, and returns once three more batches queue behind it.
func stalled(t *testing.T) (*Scheduler[int64], *recorder, chan struct{}) {
	t.Helper()
	release := make(chan struct{})
	r := &recorder{}
	r.run = func(bt int64) error {
		r.mu.Lock()
		first := len(r.ran) == 0 && r.running == 1
		r.mu.Unlock()
		if first {
			<-release
		}
		return nil
	}
	s := New[int64](r, clock.System{}, 5)
	s.Start((time.Now().UnixMilli()/5+1)*5, nil)
	checkFor(t, "batches queued behind the first", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return len(s.queue) >= 3
	})
	return s, r, release
}

func TestStopDropsQueued(t *testing.T) {
	s, r, release := stalled(t)
	stopped := make(chan struct{})
	go func() {
		s.Stop(false)
		close(stopped)
	}()
	<-s.Stopping()
	close(release)
	<-stopped
	if _, ran, _ := r.got(); len(ran) != 1 {
		t.Fatalf("Stop(false) ran %v, want only the batch running when it was called", ran)
	}
	if !s.Stopped() {
		t.Fatal("not stopped after Stop returned")
	}
}

func TestGracefulStopRunsQueued(t *testing.T) {
	s, r, release := stalled(t)
	stopped := make(chan struct{})
	go func() {
		s.Stop(true)
		close(stopped)
	}()
	<-s.Stopping()
	close(release)
	<-stopped
	gen, ran, events := r.got()
	// The running batch, the three or more queued, and one last batch at
	// the next time.
	if len(ran) < 5 || !slices.Equal(ran, gen) {
		t.Fatalf("Stop(true) ran %v, want every generated batch %v in order", ran, gen)
	}
	if want := []string{"StopInputs(true)", "Stopped"}; !slices.Equal(events, want) {
		t.Fatalf("stop events %v, want %v", events, want)
	}
}

func TestGracefulStopManual(t *testing.T) {
	for _, tc := range []struct {
		name    string
		pending bool
		ran     []int64
	}{
		{"input waiting", true, []int64{100, 200}},
		{"nothing waiting", false, []int64{100}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &recorder{pending: tc.pending}
			s := New[int64](r, clock.NewManual(0), 100)
			s.Start(100, nil)
			if err := s.Advance(150); err != nil {
				t.Fatal(err)
			}
			s.Stop(true)
			if _, ran, _ := r.got(); !slices.Equal(ran, tc.ran) {
				t.Fatalf("ran %v, want %v", ran, tc.ran)
			}
		})
	}
}

// Stop from inside a batch returns at once; the stop completes when the
// batch is over, and no later batch starts.
func TestStopFromInsideBatch(t *testing.T) {
	hand := clock.NewManual(0)
	r := &recorder{}
	s := New[int64](r, hand, 100)
	returned := false
	r.run = func(bt int64) error {
		if bt == 200 {
			s.Stop(false)
			returned = true
			select {
			case <-s.Done():
				t.Error("stopped while its batch still runs")
			default:
			}
		}
		return nil
	}
	s.Start(100, nil)
	if err := s.Advance(500); err != nil {
		t.Fatal(err)
	}
	<-s.Done()
	if !returned {
		t.Fatal("Stop inside a batch did not return")
	}
	if _, ran, _ := r.got(); !slices.Equal(ran, []int64{100, 200}) {
		t.Fatalf("ran %v, want no batch after the one that stopped", ran)
	}
	if r.stopped != 1 {
		t.Fatalf("Stopped called %d times", r.stopped)
	}
}

func TestSecondStopWaits(t *testing.T) {
	s, r, release := stalled(t)
	first := make(chan struct{})
	go func() {
		s.Stop(false)
		close(first)
	}()
	<-s.Stopping()
	second := make(chan struct{})
	go func() {
		s.Stop(true)
		close(second)
	}()
	select {
	case <-second:
		t.Fatal("a second Stop returned while the first still waits for its batch")
	case <-time.After(20 * time.Millisecond):
	}
	close(release)
	<-first
	<-second
	if _, _, events := r.got(); !slices.Equal(events, []string{"StopInputs(false)", "Stopped"}) {
		t.Fatalf("stop events %v: the second Stop must not stop again", events)
	}
}

func TestWait(t *testing.T) {
	s := New[int64](&recorder{}, clock.NewManual(0), 100)
	s.Start(100, nil)
	if stopped, err := s.Wait(0); stopped || err != nil {
		t.Fatalf("Wait(0) on a running scheduler: %v, %v", stopped, err)
	}
	if stopped, err := s.Wait(5 * time.Millisecond); stopped || err != nil {
		t.Fatalf("Wait(5ms) on a running scheduler: %v, %v", stopped, err)
	}
	go s.Stop(false)
	if stopped, err := s.Wait(-1); !stopped || err != nil {
		t.Fatalf("Wait(-1) across a Stop: %v, %v", stopped, err)
	}
	boom := errors.New("boom")
	s.Fail(boom)
	s.Fail(errors.New("later"))
	if stopped, err := s.Wait(0); !stopped || err != boom {
		t.Fatalf("Wait(0) after Stop and Fail: %v, %v; want true and the first error", stopped, err)
	}
}
