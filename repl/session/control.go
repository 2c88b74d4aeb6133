package session

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/gostream/gostream/engine"
	"github.com/traefik/yaegi/interp"
)

// StopNoticeDelay is how long Interrupt waits for the running batch before
// it says that it waits, and that a second interrupt forces the stop (a
// batch whose function never returns).
var StopNoticeDelay = time.Second

// InterruptWait bounds how long an interrupted input may take to return
// before the interpreter is reset anyway. Interpreted code stops at its
// next step; only a blocking call into compiled code (time.Sleep, a read)
// can make it wait longer.
var InterruptWait = 3 * time.Second

// outcome is what executing a chunk gave: a value, an error, or a Go panic
// of the interpreter itself.
type outcome struct {
	v   reflect.Value
	err error
	r   any
}

func (s *Session) awaitStopped(done <-chan outcome) outcome {
	select {
	case o := <-done:
		return o
	case <-time.After(InterruptWait):
		fmt.Fprintln(s.stderr, "session: the interrupted input is still blocked in a call; it may go on when the call returns")
		return outcome{}
	}
}

// resetRun makes the interpreter usable after interpStop: a trivial
// evaluation gives it a fresh cancellation channel and run id, so that
// interpreted closures called from compiled code work again.
func (s *Session) resetRun(in *interp.Interpreter) {
	defer func() { recover() }()
	in.EvalWithContext(context.Background(), "_ = 0")
}

// Interrupt stops every active StreamingContext of the session
// (non-graceful), then stops the running input, and leaves the interpreter
// usable with every variable kept. Streams are stopped first because a
// cancelled interpreter makes interpreted closures called by a running
// batch return zero values.
//
// Stopping a context waits for its running batch. When a batch cannot
// finish (an interpreted function that never returns), a second Interrupt
// while the first still waits stops the interpreter at once: the stuck
// function returns a zero value, its batch ends, and the streams stop.
func (s *Session) Interrupt() {
	if !s.interrupting.CompareAndSwap(false, true) {
		s.forceStop()
		return
	}
	defer s.interrupting.Store(false)
	stopped := make(chan struct{})
	go func() {
		select {
		case <-stopped:
		case <-time.After(StopNoticeDelay):
			fmt.Fprintln(s.stderr, "session: waiting for the running batch to finish; interrupt again to force it")
		}
	}()
	s.stopStreams(false)
	close(stopped)
	s.mu.Lock()
	stop := s.stopInput
	s.mu.Unlock()
	if stop != nil {
		stop()
	}
}

// forceStop stops the interpreter without waiting for streams: through
// the running input's stop, or directly when no input runs, in which case
// the next input resets the interpreter first.
func (s *Session) forceStop() {
	s.mu.Lock()
	stop := s.stopInput
	if stop == nil && !s.needReset {
		s.needReset = true
		interpStop(s.in)
	}
	s.mu.Unlock()
	if stop != nil {
		stop()
	}
}

// StopStreams stops the session's active streams; graceful waits for the
// data already received to be processed.
func (s *Session) StopStreams(graceful bool) { s.stopStreams(graceful) }

func (s *Session) stopStreams(graceful bool) {
	// One stop at a time: a context must not be stopped twice at once.
	s.stopMu.Lock()
	defer s.stopMu.Unlock()
	for _, c := range s.Streams() {
		c.Stop(graceful)
	}
	s.Streams() // forgets the stopped contexts, reporting errors not shown yet
}

// Streams returns the contexts created in this session that are active
// (started and not stopped), oldest first.
func (s *Session) Streams() []*engine.StreamingContext {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*engine.StreamingContext
	keep := s.contexts[:0]
	for _, c := range s.contexts {
		switch c.State() {
		case engine.Active:
			out = append(out, c)
			keep = append(keep, c)
		case engine.Initialized:
			keep = append(keep, c)
		default:
			s.forget(c)
		}
	}
	s.contexts = keep
	return out
}

// Contexts returns every context created in this session that is not
// stopped (initialized or active), oldest first.
func (s *Session) Contexts() []*engine.StreamingContext {
	s.Streams()
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*engine.StreamingContext(nil), s.contexts...)
}

// Reset stops the session's streams and starts a fresh interpreter: every
// variable, function and type is forgotten.
func (s *Session) Reset() error {
	s.Interrupt()
	s.evalMu.Lock()
	defer s.evalMu.Unlock()
	s.stopStreams(false)
	return s.init()
}

// Close stops the session's streams gracefully and detaches the session
// from the engine.
func (s *Session) Close() error {
	s.stopStreams(true)
	for _, remove := range s.removeHooks {
		remove()
	}
	s.removeHooks = nil
	s.capture.restore()
	s.capture = nil
	return nil
}
