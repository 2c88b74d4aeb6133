package window

import "fmt"

// Span is the times of a window's reduced batches, From to To (ms), both
// included; empty when From > To.
type Span struct{ From, To int64 }

// Plan returns the reduced batches the window at t merges, all times in ms:
// batch is the parent's slide. When the latest window is the one a slide
// before (prevT, hasPrev), the window is incremental: old are the batches
// that left it since, new those that entered. Otherwise (the first window,
// or after a failed batch) it is not, and new is the whole window.
func Plan(t, prevT int64, hasPrev bool, window, slide, batch int64) (old, new Span, incremental bool) {
	begin := t - window + batch
	if !hasPrev || prevT != t-slide {
		return Span{1, 0}, Span{begin, t}, false
	}
	return Span{prevT - window + batch, min(begin-batch, prevT)}, Span{max(prevT+batch, begin), t}, true
}

// Kept returns the reduced batches later windows still read, after the
// window at t (ms) of length window over batches every step: those inside
// it, from get, and those after it, from probe, up to the first probe
// finds none, oldest first; a time get finds no batch at is skipped.
func Kept[R any](t, window, step int64, get, probe func(t int64) (R, bool)) (times []int64, rs []R) {
	for tt := t - window + step; ; tt += step {
		find := get
		if tt > t {
			find = probe
		}
		r, ok := find(tt)
		if !ok {
			if tt > t {
				break
			}
			continue
		}
		times, rs = append(times, tt), append(rs, r)
	}
	return times, rs
}

// Check returns what is wrong with a window of length window sliding every
// slide over a parent stream sliding every parent (time.Duration or
// another type of the same kind, whose String the messages use): both must
// be positive multiples of it. isBatch says the parent's slide is the
// batch interval.
func Check[D ~int64](window, slide, parent D, isBatch bool) error {
	p := fmt.Sprintf("the parent stream's slide duration %v", parent)
	if isBatch {
		p += " (the batch interval)"
	}
	if window <= 0 || window%parent != 0 {
		return fmt.Errorf("window duration %v must be a positive multiple of %s", window, p)
	}
	if slide <= 0 || slide%parent != 0 {
		return fmt.Errorf("slide duration %v must be a positive multiple of %s", slide, p)
	}
	return nil
}
