package graph

import (
	"sort"
	"strings"
	"sync"
)

// Node is one stream of the graph: its place in it (operation, parents,
// slide) and the RDDs, of type R, it has generated per batch time.
type Node[R any] struct {
	Op      string
	Parents []*Node[R]
	Slide   int64 // ms between the stream's RDDs

	// Set by the engine before Prepare and Describe: they are known only
	// once the graph is built.
	Window     int64 // ms further back than its remember duration it reads its parents (a window's length)
	Checkpoint int64 // the interval of its state checkpoints, ms; 0: none set
	Stateful   bool

	// Set by Prepare.
	Zero     int64 // the time before the first batch
	Remember int64 // ms of RDDs it keeps

	mu        sync.Mutex
	generated map[int64]R
}

// Valid reports whether the stream has an RDD at t: after the zero time,
// at a multiple of its slide from it.
func (n *Node[R]) Valid(t int64) bool {
	return t > n.Zero && n.OnGrid(t)
}

// OnGrid reports whether t is the zero time or a multiple of the slide from
// it.
func (n *Node[R]) OnGrid(t int64) bool {
	return t == n.Zero || n.Slide > 0 && (t-n.Zero)%n.Slide == 0
}

// Get returns the RDD generated at t, if any.
func (n *Node[R]) Get(t int64) (R, bool) {
	n.mu.Lock()
	r, ok := n.generated[t]
	n.mu.Unlock()
	return r, ok
}

// Put remembers r as the RDD at t.
func (n *Node[R]) Put(t int64, r R) {
	n.mu.Lock()
	n.generated[t] = r
	n.mu.Unlock()
}

// Times returns the times of the RDDs the stream remembers, in order.
func (n *Node[R]) Times() []int64 {
	n.mu.Lock()
	out := make([]int64, 0, len(n.generated))
	for t := range n.generated {
		out = append(out, t)
	}
	n.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// GetOrCompute returns the RDD at t: the one remembered, or else the one
// compute returns (false: none), which it then remembers. A time that is
// not Valid has none. Two callers asking for the same new time at once
// may both compute it; the engine runs one batch at a time.
func (n *Node[R]) GetOrCompute(t int64, compute func(t int64) (R, bool)) (R, bool) {
	var none R
	if !n.Valid(t) {
		return none, false
	}
	if r, ok := n.Get(t); ok {
		return r, true
	}
	r, ok := compute(t)
	if !ok {
		return none, false
	}
	n.Put(t, r)
	return r, true
}

// Slice returns the RDDs get returns at the stream's times in [from, to]
// after the zero time, oldest first; get is asked newest first.
func (n *Node[R]) Slice(from, to int64, get func(t int64) (R, bool)) []R {
	var out []R
	for t := to; t >= from && t > n.Zero && n.Slide > 0; t -= n.Slide {
		if r, ok := get(t); ok {
			out = append(out, r)
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// initialize sets the minimum remember duration, as Spark's
// DStream.initialize: the slide, or twice the checkpoint interval when the
// stream checkpoints at most every slide.
func (n *Node[R]) initialize() {
	min := n.Slide
	if n.Checkpoint > 0 && min <= n.Checkpoint {
		min = 2 * n.Checkpoint
	}
	if n.Remember < min {
		n.Remember = min
	}
	for _, p := range n.Parents {
		p.initialize()
	}
}

// rememberFor makes n keep RDDs for at least d, and its parents for as
// long as n reads back.
func (n *Node[R]) rememberFor(d int64) {
	if d > n.Remember {
		n.Remember = d
	}
	for _, p := range n.Parents {
		p.rememberFor(n.Remember + n.Window)
	}
}

// clear forgets the RDDs of n and its ancestors that are older than their
// remember durations at t, handing each to drop.
func (n *Node[R]) clear(t int64, drop func(R)) {
	limit := t - n.Remember
	n.mu.Lock()
	for tt, r := range n.generated {
		if tt <= limit {
			delete(n.generated, tt)
			drop(r)
		}
	}
	n.mu.Unlock()
	for _, p := range n.Parents {
		p.clear(t, drop)
	}
}

// Lineage names the chain of streams n reads, n first, following each
// stream's first parent: "Print ← ReduceByKey ← ... ← SocketTextStream(...)".
// Streams with several parents show the others in parentheses; a chain of
// more than 21 streams ends in "…".
func (n *Node[R]) Lineage() string {
	var parts []string
	for s := n; s != nil; {
		name := s.Op
		if len(s.Parents) > 1 {
			others := make([]string, 0, len(s.Parents)-1)
			for _, p := range s.Parents[1:] {
				others = append(others, p.Op)
			}
			name += " (with " + strings.Join(others, ", ") + ")"
		}
		parts = append(parts, name)
		if len(parts) > 20 {
			parts = append(parts, "…")
			break
		}
		if len(s.Parents) == 0 {
			break
		}
		s = s.Parents[0]
	}
	return strings.Join(parts, " ← ")
}
