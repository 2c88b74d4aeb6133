package state

import "sync"

// Latest is the latest state of one stateful stream, X, and the batch time
// (ms) it belongs to; safe for concurrent use. Batches compute their state
// in time order; a restored state is one no batch computed here.
type Latest[X any] struct {
	mu       sync.Mutex
	t        int64
	x        X
	has      bool
	computed int64 // the latest batch computed here, 0 before the first
}

// Begin returns the state batch t starts from and whether there is one
// (false before the first batch and restore). ok is false when t was
// already computed: an old time the stream no longer remembers, for which
// there is nothing to compute.
func (l *Latest[X]) Begin(t int64) (x X, has, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.computed != 0 && t <= l.computed {
		return x, false, false
	}
	return l.x, l.has, true
}

// Done makes x batch t's state.
func (l *Latest[X]) Done(t int64, x X) {
	l.mu.Lock()
	l.t, l.x, l.has, l.computed = t, x, true, t
	l.mu.Unlock()
}

// Restore makes x the state of time t, which the next batch starts from.
func (l *Latest[X]) Restore(t int64, x X) {
	l.mu.Lock()
	l.t, l.x, l.has = t, x, true
	l.mu.Unlock()
}

// Get returns the latest state and its time; has is false when there is
// none yet.
func (l *Latest[X]) Get() (t int64, x X, has bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.t, l.x, l.has
}
