package cluster

import (
	"fmt"
	"slices"
	"strconv"
)

// The headers of a repartition record: the batch time (ms) and the map
// task that wrote it; the last record of a (batch, task, partition) also
// carries the marker.
const (
	HeaderBatch  = "gostream-batch"
	HeaderTask   = "gostream-task"
	HeaderMarker = "gostream-marker"
)

// MapHeaders returns the headers of a record map task m writes for batch
// t, the marker with last.
func MapHeaders(t int64, m int, last bool) map[string]string {
	h := map[string]string{HeaderBatch: strconv.FormatInt(t, 10), HeaderTask: strconv.Itoa(m)}
	if last {
		h[HeaderMarker] = "1"
	}
	return h
}

// Reducer is the reduce side of one partition of a repartition topic. It
// holds the records read and not yet reduced, and per map task the latest
// batch whose marker it read: batch b is complete once every map task has
// a marker of b or later. Take hands over the records of the complete
// batches; Commit says what to commit for the partition: the offset of
// the first record still held (or the read position), with metadata
// done=B, the batches reduced, so that a new owner skips them.
type Reducer struct {
	pos       int64 // the next offset to read
	commitPos int64
	done      int64
	wm        []int64
	held      []Held
	dirty     bool // moved since the last commit
}

// Held is a record of map output held until its batch is complete.
type Held struct {
	Offset int64
	Batch  int64
	Data   []byte
}

// NewReducer starts the reduce side of a partition whose log starts at
// start, from the group's committed offset when there is one (ok), for a
// shuffle of tasks map tasks.
func NewReducer(start int64, committed Offset, ok bool, tasks int) *Reducer {
	r := &Reducer{pos: start, done: -1}
	if ok {
		r.pos = max(committed.At, r.pos)
		if d, found := parseDone(committed.Metadata); found {
			r.done = d
		}
	}
	r.commitPos = r.pos
	r.wm = make([]int64, tasks)
	for i := range r.wm {
		r.wm[i] = r.done
	}
	return r
}

// Tasks is the number of map tasks the reducer waits for.
func (r *Reducer) Tasks() int { return len(r.wm) }

// Pos is the next offset to read.
func (r *Reducer) Pos() int64 { return r.pos }

// Read adds the records fetched from Pos up to end, in offset order.
func (r *Reducer) Read(recs []Record, end int64) error {
	for _, rec := range recs {
		b, ok := ParseBatch(rec.Headers[HeaderBatch])
		m, err := strconv.Atoi(rec.Headers[HeaderTask])
		if !ok || err != nil || m < 0 || m >= len(r.wm) {
			return fmt.Errorf("a record at offset %d has no batch or map task a member of this job writes", rec.Offset)
		}
		if b <= r.done {
			continue
		}
		r.held = append(r.held, Held{rec.Offset, b, []byte(rec.Value)})
		if rec.Headers[HeaderMarker] != "" && b > r.wm[m] {
			r.wm[m] = b
		}
	}
	r.pos = max(r.pos, end)
	return nil
}

// Take returns the held records of the batches now complete and forgets
// them: with apart a group per batch, in batch order, otherwise one group.
func (r *Reducer) Take(apart bool) [][]Held {
	ready := slices.Min(r.wm)
	byBatch := map[int64][]Held{}
	var batches []int64
	keep := r.held[:0]
	for _, h := range r.held {
		if h.Batch > ready {
			keep = append(keep, h)
			continue
		}
		b := h.Batch
		if !apart {
			b = ready
		}
		if _, ok := byBatch[b]; !ok {
			batches = append(batches, b)
		}
		byBatch[b] = append(byBatch[b], h)
	}
	clear(r.held[len(keep):])
	r.held = keep
	if ready > r.done {
		r.done, r.dirty = ready, true
	}
	newPos := r.pos
	if len(r.held) > 0 {
		newPos = r.held[0].Offset
	}
	if newPos != r.commitPos {
		r.commitPos, r.dirty = newPos, true
	}
	slices.Sort(batches)
	out := make([][]Held, len(batches))
	for i, b := range batches {
		out[i] = byBatch[b]
	}
	return out
}

// Commit returns the offset to commit for partition q of topic, and
// whether it moved since the last Committed.
func (r *Reducer) Commit(topic string, q int32) (Offset, bool) {
	return Offset{Topic: topic, Partition: q, At: r.commitPos, Metadata: fmt.Sprintf("done=%d", r.done)}, r.dirty
}

// Committed records that the offset Commit returned was committed.
func (r *Reducer) Committed() { r.dirty = false }

func parseDone(md string) (int64, bool) {
	if len(md) > 5 && md[:5] == "done=" {
		return ParseBatch(md[5:])
	}
	return 0, false
}
