package state

import "sync"

// SnapshotEvery is how many deltas are chained on a full snapshot before
// the next checkpoint writes a full snapshot again.
const SnapshotEvery = 10

// Split returns an element's key and state.
type Split func(x any) (key, value any)

// Same reports whether two states of one key are equal, so that a
// checkpoint need not write the newer one.
type Same func(a, b any) bool

// Delta is what a checkpoint writes of one stateful stream's state.
type Delta struct {
	// Full is set when Puts holds every element of the state: a full
	// snapshot, which starts a new chain.
	Full bool
	// Puts holds, per partition, the elements whose state changed or
	// appeared since the image (every element when Full).
	Puts [][]any
	// Removed holds, per partition, the keys of the image that are gone.
	Removed [][]any
	// Windows are the times of the window batches (incremental windows
	// only) that the checkpoint files do not hold yet.
	Windows []int64

	windows map[int64]bool // every window batch, once committed
}

// Changed is the number of elements the delta writes and keys it removes.
func (d *Delta) Changed() int {
	n := 0
	for q := range d.Puts {
		n += len(d.Puts[q]) + len(d.Removed[q])
	}
	return n
}

// Image is the state of one stateful stream as its checkpoint files hold
// it. It is not safe for concurrent use.
type Image struct {
	every   int
	parts   []map[any]*entry // key → state, per partition; nil: none written
	windows map[int64]bool
	chain   int    // deltas chained on the last full snapshot
	epoch   uint32 // of the latest Diff, marking the keys it saw
}

type entry struct {
	value any
	seen  uint32
}

// NewImage returns an empty image: the first Diff is a full snapshot. A
// full snapshot is written after every deltas (SnapshotEvery when 0).
func NewImage(every int) *Image {
	if every <= 0 {
		every = SnapshotEvery
	}
	return &Image{every: every}
}

// Diff compares parts, the state of the latest batch, and windows, the
// times of the window batches it keeps, with the image. It does not change
// what the image holds; Commit does, once the delta is on disk. Its cost is
// one lookup per key, and a pass over the image when keys went.
func (im *Image) Diff(parts [][]any, windows []int64, split Split, same Same) *Delta {
	d := &Delta{Puts: make([][]any, len(parts)), Removed: make([][]any, len(parts))}
	full := im.parts == nil || len(im.parts) != len(parts) || im.chain >= im.every
	total, changed := 0, 0
	if !full {
		im.epoch++
		epoch := im.epoch
		var wg sync.WaitGroup
		counts := make([]int, len(parts))
		for q := range parts {
			wg.Add(1)
			go func(q int) {
				defer wg.Done()
				old := im.parts[q]
				var puts []any
				kept := 0 // keys of old still there
				for _, x := range parts[q] {
					k, v := split(x)
					e, ok := old[k]
					if ok && e.seen != epoch {
						e.seen = epoch
						kept++
					}
					if !ok || !same(e.value, v) {
						puts = append(puts, x)
					}
				}
				var removed []any
				if kept < len(old) {
					for k, e := range old {
						if e.seen != epoch {
							removed = append(removed, k)
						}
					}
				}
				d.Puts[q], d.Removed[q] = puts, removed
				counts[q] = len(puts) + len(removed)
			}(q)
		}
		wg.Wait()
		for q, c := range counts {
			total += len(parts[q])
			changed += c
		}
	}
	d.windows = make(map[int64]bool, len(windows))
	for _, t := range windows {
		d.windows[t] = true
		if full || !im.windows[t] {
			d.Windows = append(d.Windows, t)
		}
	}
	// A delta as large as the state costs as much as a snapshot and makes
	// recovery read more.
	if !full && changed*2 > total && changed > 0 {
		full = true
		d.Windows = windows
	}
	if full {
		d.Full = true
		for q := range parts {
			d.Puts[q], d.Removed[q] = parts[q], nil
		}
	}
	return d
}

// Commit makes d, returned by the latest Diff and written to disk, the
// image.
func (im *Image) Commit(d *Delta, split Split) {
	im.windows = d.windows
	if d.Full {
		im.parts = make([]map[any]*entry, len(d.Puts))
		im.chain = 0
	} else {
		im.chain++
	}
	var wg sync.WaitGroup
	for q := range d.Puts {
		wg.Add(1)
		go func(q int) {
			defer wg.Done()
			m := im.parts[q]
			if m == nil {
				m = make(map[any]*entry, len(d.Puts[q]))
				im.parts[q] = m
			}
			for _, k := range d.Removed[q] {
				delete(m, k)
			}
			for _, x := range d.Puts[q] {
				k, v := split(x)
				if e, ok := m[k]; ok {
					e.value = v
				} else {
					m[k] = &entry{value: v}
				}
			}
		}(q)
	}
	wg.Wait()
}

// Reset forgets the image: the next Diff is a full snapshot.
func (im *Image) Reset() { im.parts, im.windows, im.chain = nil, nil, 0 }

// Apply rebuilds the state from a full snapshot and the deltas chained on
// it (their Puts and Removed), in order, into n partitions of the snapshot's
// layout: every delta must have as many partitions as the snapshot.
func Apply(base [][]any, deltas []*Delta, split Split) [][]any {
	if len(deltas) == 0 {
		return base
	}
	out := make([][]any, len(base))
	for q := range base {
		part := append([]any(nil), base[q]...)
		pos := make(map[any]int, len(part))
		for i, x := range part {
			k, _ := split(x)
			pos[k] = i
		}
		holes := false
		for _, d := range deltas {
			for _, k := range d.Removed[q] {
				if i, ok := pos[k]; ok {
					part[i] = nil
					delete(pos, k)
					holes = true
				}
			}
			for _, x := range d.Puts[q] {
				k, _ := split(x)
				if i, ok := pos[k]; ok {
					part[i] = x
					continue
				}
				pos[k] = len(part)
				part = append(part, x)
			}
		}
		if holes {
			kept := part[:0]
			for _, x := range part {
				if x != nil {
					kept = append(kept, x)
				}
			}
			part = kept
		}
		out[q] = part
	}
	return out
}
