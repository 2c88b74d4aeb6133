package driver

import (
	"sync"

	"github.com/gostream/gostream/engine/internal/checkpoint"
	"github.com/gostream/gostream/engine/internal/clock"
)

// State is a context's life-cycle state, as the engine's ContextState.
type State int

// The states: streams are defined while Initialized, batches run while
// Active, and a Stopped context cannot be restarted.
const (
	Initialized State = iota
	Active
	Stopped
)

func (s State) String() string {
	switch s {
	case Initialized:
		return "INITIALIZED"
	case Active:
		return "ACTIVE"
	}
	return "STOPPED"
}

// Loop is the batch loop of batches B (engine/internal/scheduler's
// Scheduler).
type Loop[B any] interface {
	// Start makes first the next batch time and runs pending first.
	Start(first int64, pending []B)
	// Stop stops a started loop; Close marks one never started stopped.
	Stop(graceful bool)
	Close()
}

// Starter is what Start asks of the engine's context, whose pending
// batches are B.
type Starter[B any] interface {
	// Check refuses to start (the state, the outputs, what the
	// checkpoint or the cluster cannot do). Called with the lock held.
	Check() error
	// Join makes the context a member of its cluster job from batch first,
	// and returns the job's first batch and zero time; a context that is
	// no member returns them as they are. Called with the lock held.
	Join(first, zero int64) (int64, int64, error)
	// Activate makes the graph ready to run from zero and returns the
	// number of inputs. Called with the lock held.
	Activate(zero int64) (inputs int)
	// Checkpoints begins checkpointing from rec (nil: a fresh start) and
	// returns the checkpointer and the batches to run again; a nil
	// checkpointer when the context does not checkpoint.
	Checkpoints(rec *checkpoint.Recovered) (*checkpoint.Checkpointer, []B, error)
	// StartInput starts input i; StopInput stops it when a later one did
	// not start.
	StartInput(i int) error
	StopInput(i int)
	// Abort lets go of what the engine holds for a start that failed.
	Abort()
	// Started is told that everything started, before the first batch.
	Started()
}

// Life is a context's life cycle and what it holds while it runs.
type Life[B any] struct {
	Lock     sync.Locker // the context's lock, which guards the fields
	Loop     Loop[B]
	Clock    clock.Clock
	Interval int64 // the batch interval, ms

	State     State
	Recovered *checkpoint.Recovered    // the checkpoint Start resumes from
	Resumed   bool                     // started from a checkpoint
	Ckpt      *checkpoint.Checkpointer // writes the checkpoints while active
}

// Current returns the state, taking the lock.
func (l *Life[B]) Current() State {
	l.Lock.Lock()
	defer l.Lock.Unlock()
	return l.State
}

// FromCheckpoint reports whether the context resumes, or resumed, from a
// checkpoint, taking the lock.
func (l *Life[B]) FromCheckpoint() bool {
	l.Lock.Lock()
	defer l.Lock.Unlock()
	return l.Recovered != nil || l.Resumed
}

// Start starts the context through s.
func (l *Life[B]) Start(s Starter[B]) error {
	l.Lock.Lock()
	if err := s.Check(); err != nil {
		l.Lock.Unlock()
		return err
	}
	// The first batch is the next batch boundary: the interval itself on a
	// manual clock, which starts at 0.
	b := l.Interval
	first := (l.Clock.Now()/b + 1) * b
	zero := first - b
	rec := l.Recovered
	l.Recovered = nil
	if rec != nil {
		l.Resumed = true
		zero, first = rec.Meta.Zero, rec.Meta.ResumeTime()
	}
	first, zero, err := s.Join(first, zero)
	if err != nil {
		l.Lock.Unlock()
		return err
	}
	if m, ok := l.Clock.(*clock.Manual); ok {
		m.Set(first - b)
	}
	inputs := s.Activate(zero)
	l.State = Active
	l.Lock.Unlock()

	ck, pending, err := s.Checkpoints(rec)
	if err != nil {
		l.undo(s, 0)
		return err
	}
	l.Lock.Lock()
	l.Ckpt = ck
	l.Lock.Unlock()
	for i := range inputs {
		if err := s.StartInput(i); err != nil {
			l.undo(s, i)
			return err
		}
	}
	if rec != nil && ck != nil {
		ck.Resumed(first - b)
	}
	s.Started()
	l.Loop.Start(first, pending)
	return nil
}

// undo takes down a start that failed once inputs had started.
func (l *Life[B]) undo(s Starter[B], inputs int) {
	for i := range inputs {
		s.StopInput(i)
	}
	l.Lock.Lock()
	l.State = Stopped
	ck := l.Ckpt
	l.Lock.Unlock()
	l.Loop.Close()
	s.Abort()
	if ck != nil {
		ck.Close()
	}
}

// Stop stops the context: at once when it never started, calling release
// with the lock held, through the loop when it runs.
func (l *Life[B]) Stop(graceful bool, release func()) {
	l.Lock.Lock()
	switch l.State {
	case Stopped:
		l.Lock.Unlock()
		return
	case Initialized:
		l.State = Stopped
		l.forget(release)
		l.Lock.Unlock()
		l.Loop.Close()
		return
	}
	l.Lock.Unlock()
	l.Loop.Stop(graceful)
}

// Stopped closes the checkpointer and lets go of what a stopped context
// no longer needs, once its last batch is over.
func (l *Life[B]) Stopped(release func()) {
	l.Lock.Lock()
	defer l.Lock.Unlock()
	if l.Ckpt != nil {
		l.Ckpt.Close()
	}
	l.State = Stopped
	l.forget(release)
}

func (l *Life[B]) forget(release func()) {
	release()
	l.Ckpt, l.Recovered = nil, nil
}
