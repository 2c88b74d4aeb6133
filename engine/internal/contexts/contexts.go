package contexts

import (
	"sort"
	"sync"
)

// Hooks is an ordered set of functions called with a context.
type Hooks[C any] struct {
	mu  sync.Mutex
	seq int
	fs  map[int]func(C)
}

// Add registers f and returns the func that removes it.
func (h *Hooks[C]) Add(f func(C)) (remove func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fs == nil {
		h.fs = map[int]func(C){}
	}
	h.seq++
	id := h.seq
	h.fs[id] = f
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.fs, id)
	}
}

// Run calls the hooks with c in the order they were added.
func (h *Hooks[C]) Run(c C) {
	h.mu.Lock()
	fs := make([]func(C), 0, len(h.fs))
	for i := 1; i <= h.seq; i++ {
		if f, ok := h.fs[i]; ok {
			fs = append(fs, f)
		}
	}
	h.mu.Unlock()
	for _, f := range fs {
		f(c)
	}
}

// Running is the set of running contexts and the order they started in.
type Running[C comparable] struct {
	mu      sync.Mutex
	seq     uint64
	order   map[C]uint64 // contexts started, by when Start began
	running map[C]bool
}

// Starting numbers c as the context started last, and forgets the
// contexts numbered before that stopped reports stopped.
func (r *Running[C]) Starting(c C, stopped func(C) bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.order == nil {
		r.order = map[C]uint64{}
	}
	r.seq++
	r.order[c] = r.seq
	for x := range r.order {
		if stopped(x) {
			delete(r.order, x)
		}
	}
}

// Started marks c running.
func (r *Running[C]) Started(c C) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.running == nil {
		r.running = map[C]bool{}
	}
	r.running[c] = true
}

// Stopped forgets c.
func (r *Running[C]) Stopped(c C) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.running, c)
	delete(r.order, c)
}

// List returns the running contexts in the order they started.
func (r *Running[C]) List() []C {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []C
	for c := range r.running {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return r.order[out[i]] < r.order[out[j]] })
	return out
}

// Last returns the running context that started last; false when none
// runs.
func (r *Running[C]) Last() (C, bool) {
	var last C
	l := r.List()
	if len(l) == 0 {
		return last, false
	}
	return l[len(l)-1], true
}
