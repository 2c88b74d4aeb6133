package window

// Stream is one incremental window stream over the caller's RDD type R:
// the State of its latest window, how the next window is computed from the
// stream's reduced batches (Compute) and which of those batches later
// windows still read (KeptBatches). The hooks reach the caller's RDDs and
// streams; times are ms.
type Stream[P ~struct{ Key, Value any }, R any] struct {
	State[R]
	Merge *Merge[P]
	N     int // the partitions of every window and reduced batch
	// Window and Slide are the window's length and slide, Batch the
	// reduced batches' slide.
	Window, Slide, Batch int64

	// Get returns the reduced batch at t, computing it; false when there
	// is none. It may panic for a time after the latest window whose input
	// has not been generated.
	Get func(t int64) (R, bool)
	// Slice returns the reduced batches in [from, to], oldest first.
	Slice func(from, to int64) []R
	// Read makes r ready and returns it as a merge reads it.
	Read func(r R) Batch
	// Parts returns r's partitions.
	Parts func(r R) [][]any
	// Out returns the window at t: N partitions after deps, each computed
	// by merge in a task of the caller's, made ready.
	Out func(t int64, deps []R, merge func(q int) []any) R
}

// Compute returns the window at t and makes it the latest: the previous
// window, the batches that left it and those that entered it merged when
// the previous window is the one a slide before, else the whole window
// (Plan, Step).
func (s *Stream[P, R]) Compute(t int64) R {
	prev, prevT, ok := s.Previous()
	oldSpan, newSpan, incremental := Plan(t, prevT, ok, s.Window, s.Slide, s.Batch)
	old, new := s.Slice(oldSpan.From, oldSpan.To), s.Slice(newSpan.From, newSpan.To)
	deps := append(append([]R(nil), old...), new...)
	var prevPart func(q int) []any
	if incremental {
		deps = append(deps, prev)
		prevPart = s.Read(prev).Part
	}
	step := NewStep(&s.State, s.Merge, prevT, s.N, prevPart, func() [][]any { return s.Parts(prev) }, s.read(old), s.read(new))
	out := s.Out(t, deps, step.Partition)
	step.Done(t)
	s.Set(t, out)
	return out
}

// read returns the reduced batches rs as a merge reads them, with their
// columns when they hold them (once ready).
func (s *Stream[P, R]) read(rs []R) []Batch {
	out := make([]Batch, len(rs))
	for i, r := range rs {
		out[i] = s.Read(r)
	}
	return out
}

// KeptBatches returns the reduced batches that later windows still read
// (Kept): those inside the latest window and those after it, oldest first,
// with their partitions. Batches after the latest window are reduced only
// when a window reads them: they are reduced now, up to the latest batch
// whose input has been generated. None before the first window.
func (s *Stream[P, R]) KeptBatches() ([]int64, [][][]any) {
	_, t, ok := s.Previous()
	if !ok {
		return nil, nil
	}
	times, rs := Kept(t, s.Window, s.Batch, s.Get, s.probe)
	parts := make([][][]any, len(rs))
	for i, r := range rs {
		parts[i] = s.Parts(r)
	}
	return times, parts
}

// Snapshot returns the latest window's time and partitions; false when
// there is none.
func (s *Stream[P, R]) Snapshot() (int64, [][]any, bool) {
	last, t, ok := s.Previous()
	if !ok {
		return 0, nil, false
	}
	return t, s.Parts(last), true
}

// probe is Get for a time after the latest window: false when its input
// has not been generated (some of the caller's operators panic then).
func (s *Stream[P, R]) probe(t int64) (r R, ok bool) {
	defer func() {
		if recover() != nil {
			var zero R
			r, ok = zero, false
		}
	}()
	return s.Get(t)
}
