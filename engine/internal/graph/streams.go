package graph

import (
	"fmt"
	"time"
)

// The checks the engine makes on a node while it builds streams or slices
// one, in the engine's words: plain errors it wraps as its own.

// SameSlide is nil when b has a's slide, else the error naming both.
func SameSlide[R any](a, b *Node[R]) error {
	if a.Slide != b.Slide {
		return fmt.Errorf("the DStreams have different slide durations (%v and %v)", duration(a.Slide), duration(b.Slide))
	}
	return nil
}

// CheckSlice is nil when from and to are on n's grid (OnGrid), else the
// error naming the first that is not.
func (n *Node[R]) CheckSlice(from, to int64) error {
	if !n.OnGrid(from) {
		return n.offGrid("from", from)
	}
	if !n.OnGrid(to) {
		return n.offGrid("to", to)
	}
	return nil
}

func (n *Node[R]) offGrid(which string, t int64) error {
	return fmt.Errorf("%s time %d ms is not a multiple of the slide duration %v", which, t, duration(n.Slide))
}

func duration(ms int64) time.Duration { return time.Duration(ms) * time.Millisecond }
