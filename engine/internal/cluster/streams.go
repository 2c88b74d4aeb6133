package cluster

import (
	"fmt"
	"slices"
	"sync"

	"github.com/gostream/gostream/engine/internal/codec"
)

// Streams is a Job wired to the engine's graph, whose streams make RDDs of
// type R: what a member's batch does across the streams besides their own
// topics. Every batch keeps each window parent's batch in the parent's
// window store, and the earlier batches a window reads come from there
// (Slice); every shuffle a batch made is materialized before the batch
// ends (Made), so that its markers are written.
type Streams[P codec.PairType, T codec.TimeType, R any] struct {
	*Job[P, T]
	h       Hooks[R]
	keep    map[int]int64 // the window parents: the longest window over each (ms)
	parents []int         // the window parents, in graph order

	mu   sync.Mutex
	made []made // the shuffles made this batch
}

type made struct {
	op    string
	ready func()
}

// Hooks is what Streams needs of the engine's streams, by their index in
// the graph, and of their RDDs. Each is called per batch, per stream or
// per RDD, never per element.
type Hooks[R any] struct {
	// Compute returns stream i's RDD at t, computed at most once; false
	// when it has none. It may panic with the batch's failure.
	Compute func(i int, t int64) (R, bool)
	// Valid reports whether stream i has an RDD at t.
	Valid func(i int, t int64) bool
	// Parts materializes r and returns its number of partitions and what
	// gives partition q's elements (asked of the owned ones).
	Parts func(r R) (n int, part func(q int) []any)
	// Batch returns an RDD of stream i at t made of parts (a batch the
	// window store held).
	Batch func(i int, t int64, parts [][]any) R
	// Panic turns a panic p of a stream's Compute or Parts, or of a
	// shuffle's materializing, into the batch's failure; op names the
	// stream or the shuffle.
	Panic func(op string, p any) error
	// Error turns a failure of the window store of stream op in the
	// running batch into the batch's failure: err names what failed and
	// its Unwrap is the cause.
	Error func(op string, err error) error
}

// NewStreams wires j to the engine's streams through h.
func NewStreams[P codec.PairType, T codec.TimeType, R any](j *Job[P, T], h Hooks[R]) *Streams[P, T, R] {
	s := &Streams[P, T, R]{Job: j, h: h, keep: map[int]int64{}}
	for _, st := range j.streams {
		if st.Window > 0 && st.Parent >= 0 {
			s.keep[st.Parent] = max(s.keep[st.Parent], st.Window)
		}
	}
	for i := range s.keep {
		s.parents = append(s.parents, i)
	}
	slices.Sort(s.parents)
	return s
}

// Windowed reports whether windows read stream i: its batches are kept in
// its window store.
func (s *Streams[P, T, R]) Windowed(i int) bool { return s.keep[i] > 0 }

// Begin starts batch t (Job's Begin).
func (s *Streams[P, T, R]) Begin(t int64) (moved bool) {
	s.mu.Lock()
	s.made = nil
	s.mu.Unlock()
	return s.Job.Begin(t)
}

// Made records a shuffle op the running batch made: End materializes it
// with ready.
func (s *Streams[P, T, R]) Made(op string, ready func()) {
	s.mu.Lock()
	s.made = append(s.made, made{op, ready})
	s.mu.Unlock()
}

// End ends batch t: when nothing failed so far (nor its outputs: errs),
// every window parent's batch t is kept in its store, also where no window
// read it (a window sliding slower than its parent); then every shuffle
// made is materialized, and the transaction commits or is aborted (Job's
// End). It returns the errors the batch reports: errs, or none when the
// partitions moved while it ran (their new owners run it again).
func (s *Streams[P, T, R]) End(t int64, errs []error) []error {
	if s.Healthy() && len(errs) == 0 {
		for _, i := range s.parents {
			if s.h.Valid(i, t) {
				if err := s.feed(i, t); err != nil {
					s.Fail(err)
				}
			}
		}
	}
	s.mu.Lock()
	shuffles := s.made
	s.mu.Unlock()
	for _, m := range shuffles {
		if err := s.ready(m); err != nil {
			s.Fail(err)
		}
	}
	var first error
	if len(errs) > 0 {
		first = errs[0]
	}
	if s.Job.End(t, first) {
		return nil
	}
	return errs
}

func (s *Streams[P, T, R]) ready(m made) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = s.h.Panic(m.op, p)
		}
	}()
	m.ready()
	return nil
}

// feed keeps batch t of stream i in its store.
func (s *Streams[P, T, R]) feed(i int, t int64) (err error) {
	op := s.streams[i].Op
	defer func() {
		if p := recover(); p != nil {
			err = s.h.Panic(op, p)
		}
	}()
	ws, err := s.store(i)
	if err == nil {
		if r, ok := s.h.Compute(i, t); ok {
			err = s.put(ws, t, r)
		}
	}
	if err != nil {
		return s.h.Error(op, err)
	}
	return nil
}

// Slice returns stream i's batches from..to, step ms apart, those after
// zero, oldest first: the running batch's as Compute makes it (and kept
// in the store), the earlier ones from the store, where it holds them. The
// error is a failure of the store (as Hooks' Error takes it).
func (s *Streams[P, T, R]) Slice(i int, from, to, step, zero int64) ([]R, error) {
	ws, err := s.store(i)
	if err != nil {
		return nil, err
	}
	now := s.Time()
	var out []R
	for t := from; t <= to; t += step {
		if t <= zero {
			continue
		}
		if t == now {
			if r, ok := s.h.Compute(i, t); ok {
				if err := s.put(ws, t, r); err != nil {
					return nil, err
				}
				out = append(out, r)
			}
			continue
		}
		if parts, ok := ws.Batch(t); ok {
			out = append(out, s.h.Batch(i, t, parts))
		}
	}
	return out, nil
}

// store returns stream i's window store, holding the partitions this
// member owns in the running batch (Window, LoadWindow).
func (s *Streams[P, T, R]) store(i int) (*WindowStore, error) {
	name := s.streams[i].Op
	ws, err := s.Window(s.StreamID(i), s.keep[i])
	if err != nil {
		err = fmt.Errorf("the window store of %s: %w", name, err)
	} else {
		err = s.LoadWindow(ws, name)
	}
	if err != nil {
		// The failure is all of it, its own cause.
		return nil, fmt.Errorf("%w", err)
	}
	return ws, nil
}

// put keeps batch t, r, in ws unless ws holds it: its owned partitions go
// to the changelog.
func (s *Streams[P, T, R]) put(ws *WindowStore, t int64, r R) error {
	if _, ok := ws.Batch(t); ok {
		return nil
	}
	n, part := s.h.Parts(r)
	parts := make([][]any, n)
	for q := range parts {
		if s.Owns(q) {
			parts[q] = part(q)
		}
	}
	return s.PutWindow(ws, t, parts)
}
