package scheduler

import (
	"bytes"
	"errors"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gostream/gostream/engine/internal/clock"
)

// Jobs is what the scheduler generates and runs: the caller's batches of
// type B.
type Jobs[B any] interface {
	// Generate cuts batch t: the input that falls to it. It is called in
	// the order of t, when the clock has reached t.
	Generate(t int64) B
	// Run runs the jobs of batch b and returns the batch's first error.
	// The scheduler runs one batch at a time.
	Run(b B) error
	// StopInputs stops receiving input, first thing in a stop; graceful
	// asks the inputs to hand over what they received.
	StopInputs(graceful bool)
	// Pending reports whether input is waiting for a batch. A graceful
	// stop on a manual clock runs its last batch only then.
	Pending() bool
	// Stopped is called once, when no batch runs or will run.
	Stopped()
}

// The errors of Advance.
var (
	ErrNotManual  = errors.New("scheduler: the clock is not a manual clock")
	ErrNotStarted = errors.New("scheduler: not started")
	ErrStopped    = errors.New("scheduler: stopped")
	ErrInJob      = errors.New("scheduler: called from inside a batch")
)

type phase int

const (
	idle phase = iota
	running
	stopping
	stopped
)

// Scheduler is the batch loop of one context.
type Scheduler[B any] struct {
	jobs     Jobs[B]
	clock    clock.Clock
	hand     *clock.Manual // the clock, when it moves only by Advance
	interval int64

	mu      sync.Mutex
	cond    *sync.Cond // signalled when the queue grows or a stop begins
	phase   phase
	started bool
	next    int64 // the next batch time to generate
	queue   []B
	err     error
	loops   sync.WaitGroup

	cancel chan struct{} // closed when a stop begins
	failed chan struct{} // closed when err is set
	done   chan struct{} // closed when stopped

	runMu sync.Mutex    // one batch at a time
	job   atomic.Uint64 // the goroutine running a batch; 0 when none
}

// New returns a scheduler of jobs on clk, one batch every interval
// milliseconds. A *clock.Manual makes it move only by Advance.
func New[B any](jobs Jobs[B], clk clock.Clock, interval int64) *Scheduler[B] {
	s := &Scheduler[B]{
		jobs: jobs, clock: clk, interval: interval,
		cancel: make(chan struct{}), failed: make(chan struct{}), done: make(chan struct{}),
	}
	s.hand, _ = clk.(*clock.Manual)
	s.cond = sync.NewCond(&s.mu)
	return s
}

// Start makes first the next batch time and starts the loop, pending
// batches first. On a manual clock it runs them before it returns. A
// scheduler already stopping ignores Start.
func (s *Scheduler[B]) Start(first int64, pending []B) {
	s.mu.Lock()
	if s.phase != idle {
		s.mu.Unlock()
		return
	}
	s.phase, s.started, s.next = running, true, first
	if s.hand != nil {
		s.mu.Unlock()
		for _, b := range pending {
			s.run(b)
		}
		return
	}
	s.queue = append(s.queue, pending...)
	s.loops.Add(2)
	s.mu.Unlock()
	go s.generateLoop()
	go s.runLoop()
}

// Advance moves a manual clock forward by d milliseconds, generating and
// running every batch that falls due on the caller's goroutine; it returns
// the first batch error.
func (s *Scheduler[B]) Advance(d int64) error {
	if s.hand == nil {
		return ErrNotManual
	}
	s.mu.Lock()
	switch s.phase {
	case idle:
		s.mu.Unlock()
		return ErrNotStarted
	case stopped:
		s.mu.Unlock()
		return ErrStopped
	}
	s.mu.Unlock()
	if s.InJob() {
		return ErrInJob
	}
	target := s.hand.Now() + d
	var first error
	for {
		s.mu.Lock()
		t := s.next
		if t > target || s.phase != running {
			s.hand.Set(target)
			s.mu.Unlock()
			return first
		}
		s.next = t + s.interval
		s.hand.Set(t)
		s.mu.Unlock()
		if err := s.run(s.jobs.Generate(t)); err != nil && first == nil {
			first = err
		}
	}
}

func (s *Scheduler[B]) generateLoop() {
	defer s.loops.Done()
	for {
		s.mu.Lock()
		t := s.next
		live := s.phase == running
		s.mu.Unlock()
		// Stop closes cancel when it begins, so cancel alone ends the wait.
		if !live || !s.clock.WaitUntil(t, s.cancel) {
			return
		}
		s.mu.Lock()
		if s.phase != running {
			s.mu.Unlock()
			return
		}
		s.next = t + s.interval
		s.mu.Unlock()
		b := s.jobs.Generate(t)
		s.mu.Lock()
		s.queue = append(s.queue, b)
		s.cond.Broadcast()
		s.mu.Unlock()
	}
}

func (s *Scheduler[B]) runLoop() {
	defer s.loops.Done()
	for {
		s.mu.Lock()
		for len(s.queue) == 0 && s.phase == running {
			s.cond.Wait()
		}
		if s.phase != running {
			// Stop drops the batches not yet started, or runs them itself
			// when graceful.
			s.mu.Unlock()
			return
		}
		b := s.queue[0]
		var zero B
		s.queue[0] = zero
		s.queue = s.queue[1:]
		s.mu.Unlock()
		s.run(b)
	}
}

// run runs one batch, after any batch running, and records its error.
func (s *Scheduler[B]) run(b B) error {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	s.job.Store(goroutineID())
	defer s.job.Store(0)
	err := s.jobs.Run(b)
	if err != nil {
		s.Fail(err)
	}
	return err
}

// InJob reports whether the caller is the goroutine running a batch.
func (s *Scheduler[B]) InJob() bool {
	id := s.job.Load()
	return id != 0 && id == goroutineID()
}

// Stop stops the loop, gracefully or not (see the package doc); it returns
// once the scheduler is stopped, or at once when called from inside a batch.
func (s *Scheduler[B]) Stop(graceful bool) {
	own := s.InJob()
	s.mu.Lock()
	switch s.phase {
	case stopped:
		s.mu.Unlock()
		return
	case stopping:
		// Another goroutine is stopping the loop: wait for it to finish.
		s.mu.Unlock()
		if !own {
			<-s.done
		}
		return
	}
	s.phase = stopping
	s.cond.Broadcast()
	close(s.cancel)
	s.mu.Unlock()
	if own {
		go s.finishStop(graceful)
		return
	}
	s.finishStop(graceful)
}

// finishStop stops the inputs and the loops, runs the last batches of a
// graceful stop, and marks the scheduler stopped once no batch runs.
func (s *Scheduler[B]) finishStop(graceful bool) {
	s.jobs.StopInputs(graceful)
	s.mu.Lock()
	started, t := s.started, s.next
	s.mu.Unlock()
	switch {
	case !started || !graceful:
	case s.hand == nil:
		s.loops.Wait()
		// One last batch takes what the inputs handed over while stopping.
		s.mu.Lock()
		t = s.next
		pending := s.queue
		s.queue = nil
		s.mu.Unlock()
		for _, b := range pending {
			s.run(b)
		}
		s.clock.WaitUntil(t, nil)
		s.run(s.jobs.Generate(t))
	case s.jobs.Pending():
		s.run(s.jobs.Generate(t))
	}
	s.loops.Wait()
	s.runMu.Lock() // wait for a batch still running
	s.runMu.Unlock()
	s.mu.Lock()
	s.phase = stopped
	s.queue = nil
	s.mu.Unlock()
	s.jobs.Stopped()
	close(s.done)
}

// Close marks a scheduler that never started as stopped: Done is closed
// and Advance refuses. It does nothing once Start or Stop was called.
func (s *Scheduler[B]) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.phase == idle {
		s.phase = stopped
		close(s.done)
	}
}

// Done is closed when the scheduler is stopped.
func (s *Scheduler[B]) Done() <-chan struct{} { return s.done }

// Stopping is closed when a stop begins.
func (s *Scheduler[B]) Stopping() <-chan struct{} { return s.cancel }

// Stopped reports whether the scheduler is stopped.
func (s *Scheduler[B]) Stopped() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.phase == stopped
}

// Fail records err as the first error, unless there is one.
func (s *Scheduler[B]) Fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil && err != nil {
		s.err = err
		close(s.failed)
	}
}

// Err returns the first error, or nil.
func (s *Scheduler[B]) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Failed is closed when the first error is recorded.
func (s *Scheduler[B]) Failed() <-chan struct{} { return s.failed }

// Wait blocks until the scheduler is stopped or an error is recorded, for
// at most d (d < 0: no limit; d = 0 only checks); stopped reports whether it
// stopped, and err is the first error. A timeout returns false, nil.
func (s *Scheduler[B]) Wait(d time.Duration) (stopped bool, err error) {
	select {
	case <-s.done:
		return true, s.Err()
	case <-s.failed:
		return s.Stopped(), s.Err()
	default:
	}
	var timeout <-chan time.Time
	if d >= 0 {
		timer := time.NewTimer(d)
		defer timer.Stop()
		timeout = timer.C
	}
	select {
	case <-s.done:
		return true, s.Err()
	case <-s.failed:
		return s.Stopped(), s.Err()
	case <-timeout:
		return false, nil
	}
}

// goroutineID returns the calling goroutine's number, from the first line
// of its stack ("goroutine N [running]:"). Stop and Advance use it to tell
// a call from inside a batch, which they must not wait for.
func goroutineID() uint64 {
	var buf [64]byte
	line := buf[:runtime.Stack(buf[:], false)]
	line = line[len("goroutine "):]
	if i := bytes.IndexByte(line, ' '); i > 0 {
		line = line[:i]
	}
	id, _ := strconv.ParseUint(string(line), 10, 64)
	return id
}
