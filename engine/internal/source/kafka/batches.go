package kafka

import "sync"

// Batches is what a stream handed to its recent batches: each batch's
// ranges and a handle of the caller's (its RDD), how many offsets it
// reads, and the backpressure estimate those counts feed. Times are ms.
// The checkpoint, the transactional sink and OffsetRangesOf read a
// batch's ranges while it runs, by its time (Ranges) or by its handle
// (RangesOf).
type Batches struct {
	mu     sync.Mutex
	byTime map[int64]batch
	order  []int64 // the times recorded, oldest first
	counts map[int64]int64
	est    float64
}

type batch struct {
	ranges []Range
	handle any
}

// handles maps the handles of the batches every Batches records to their
// ranges.
var handles sync.Map // handle → []Range

// RangesOf returns the ranges of the batch whose handle is h, while a
// Batches records it.
func RangesOf(h any) ([]Range, bool) {
	if h == nil {
		return nil, false
	}
	v, ok := handles.Load(h)
	if !ok {
		return nil, false
	}
	return append([]Range(nil), v.([]Range)...), true
}

// Put records batch t's ranges and handle (nil: none), replacing an
// earlier record of t, then forgets the oldest batches (their handles and
// counts) beyond keep.
func (b *Batches) Put(t int64, ranges []Range, handle any, keep int) {
	rs := append([]Range(nil), ranges...)
	if handle != nil {
		handles.Store(handle, rs)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.byTime == nil {
		b.byTime = map[int64]batch{}
	}
	if old, ok := b.byTime[t]; ok {
		forget(old.handle)
	} else {
		b.order = append(b.order, t)
	}
	b.byTime[t] = batch{rs, handle}
	for len(b.order) > keep {
		old := b.order[0]
		b.order = b.order[1:]
		if ob, ok := b.byTime[old]; ok {
			forget(ob.handle)
			delete(b.byTime, old)
		}
		delete(b.counts, old)
	}
}

func forget(h any) {
	if h != nil {
		handles.Delete(h)
	}
}

// Ranges returns the ranges of batch t, if it is recorded.
func (b *Batches) Ranges(t int64) ([]Range, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	bt, ok := b.byTime[t]
	if !ok {
		return nil, false
	}
	return append([]Range(nil), bt.ranges...), true
}

// Count records and returns how many offsets batch t reads: the sum of its
// ranges' counts.
func (b *Batches) Count(t int64, ranges []Range) int64 {
	n := int64(0)
	for _, r := range ranges {
		n += r.Count()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.counts == nil {
		b.counts = map[int64]int64{}
	}
	b.counts[t] = n
	return n
}

// Counted is what Count recorded for batch t; 0 when it recorded nothing.
func (b *Batches) Counted(t int64) int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.counts[t]
}

// SetEstimate sets the backpressure estimate, records/s for all
// partitions (0: none).
func (b *Batches) SetEstimate(r float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.est = r
}

// Estimate is the last SetEstimate's rate, for Source.Next.
func (b *Batches) Estimate() float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.est
}

// Problems remembers the last problem reported, so that a failing cluster
// is reported once until the problem changes.
type Problems struct {
	mu    sync.Mutex
	shown string
}

// Changed records msg as the problem and reports whether it differs from
// the one recorded before.
func (p *Problems) Changed(msg string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	changed := p.shown != msg
	p.shown = msg
	return changed
}

// Clear forgets the problem: the next one is reported.
func (p *Problems) Clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.shown = ""
}
