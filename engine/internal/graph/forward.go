package graph

// Forward returns what get returns at the stream's times in [from, to]
// after the zero time, oldest first, asking get oldest first too: a
// window's batches, computed in time order (Slice asks newest first).
func (n *Node[R]) Forward(from, to int64, get func(t int64) (R, bool)) []R {
	var out []R
	for t := from; t <= to && n.Slide > 0; t += n.Slide {
		if t <= n.Zero {
			continue
		}
		if r, ok := get(t); ok {
			out = append(out, r)
		}
	}
	return out
}
