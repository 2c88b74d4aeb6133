package cluster

import (
	"fmt"
	"slices"
)

// WindowStore is the window store of one stream that windows read in a
// cluster job, as Kafka Streams' window stores: the stream's batches of
// the longest window over it, per partition, kept in memory for the
// partitions this member owns and written to a compacted changelog of one
// partition per task. Partition q of batch t goes to changelog partition
// q mod tasks in records of up to RecordElems elements, keyed "t/q/n/i"
// (batch, partition, the batch's partition count, record), and is
// tombstoned once t has left the longest window. A member that gains task
// p restores p's partitions from the changelog before a window reads them.
type WindowStore struct {
	Topic   string
	tasks   int
	keep    int64 // the longest window (ms)
	loaded  []bool
	batches map[int64]*windowBatch
}

// RecordElems bounds the elements of one record of a window store.
const RecordElems = 1024

type windowBatch struct {
	parts   [][]any // nil where another member owns the partition
	records []int   // per partition, the records it was written in
}

// NewWindowStore returns an empty store of a stream read by windows of
// at most keep ms, in topic, for a job of tasks tasks.
func NewWindowStore(topic string, tasks int, keep int64) *WindowStore {
	return &WindowStore{Topic: topic, tasks: tasks, keep: keep, loaded: make([]bool, tasks), batches: map[int64]*windowBatch{}}
}

// Loaded reports whether the store holds task p's partitions.
func (w *WindowStore) Loaded(p int) bool { return w.loaded[p] }

// Forget drops task p's partitions, which this member no longer owns.
func (w *WindowStore) Forget(p int) {
	for _, b := range w.batches {
		for q := p; q < len(b.parts); q += w.tasks {
			b.parts[q], b.records[q] = nil, 0
		}
	}
	w.loaded[p] = false
}

// Batch returns batch t's partitions (nil where not held), or false when
// the store holds nothing of t.
func (w *WindowStore) Batch(t int64) ([][]any, bool) {
	b, ok := w.batches[t]
	if !ok {
		return nil, false
	}
	return b.parts, true
}

func windowKey(t int64, q, n, i int) []byte { return fmt.Appendf(nil, "%d/%d/%d/%d", t, q, n, i) }

// Restore takes task p's partitions from partition p of the changelog, as
// ReadChangelog read it, at batch now: decode reads a record's elements.
// It returns the keys of records that left every window (an earlier owner
// did not remove them), for the caller to tombstone, and how many batches
// it restored.
func (w *WindowStore) Restore(p int, image map[string]string, order []string, now int64, decode func([]byte) ([]any, error)) (stale []string, batches int, err error) {
	type piece struct {
		t       int64
		q, n, i int
		elems   []any
	}
	var pieces []piece
	for _, k := range order {
		v, ok := image[k]
		if !ok {
			continue
		}
		var pc piece
		if _, err := fmt.Sscanf(k, "%d/%d/%d/%d", &pc.t, &pc.q, &pc.n, &pc.i); err != nil || pc.q < 0 || pc.q >= pc.n || pc.q%w.tasks != p || pc.i < 0 {
			return nil, 0, fmt.Errorf("a record of key %q is not a batch's partition of this task", k)
		}
		if pc.t <= now-w.keep {
			stale = append(stale, k)
			continue
		}
		if pc.elems, err = decode([]byte(v)); err != nil {
			return nil, 0, fmt.Errorf("the record of key %q: %v", k, err)
		}
		pieces = append(pieces, pc)
	}
	slices.SortStableFunc(pieces, func(a, b piece) int { return a.i - b.i })
	times := map[int64]bool{}
	for _, pc := range pieces {
		times[pc.t] = true
		b := w.batches[pc.t]
		if b == nil {
			b = &windowBatch{parts: make([][]any, pc.n), records: make([]int, pc.n)}
			w.batches[pc.t] = b
		}
		if pc.n != len(b.parts) {
			return nil, 0, fmt.Errorf("batch %d is recorded with %d and with %d partitions", pc.t, pc.n, len(b.parts))
		}
		b.parts[pc.q] = append(b.parts[pc.q], pc.elems...)
		b.records[pc.q]++
	}
	for _, b := range w.batches {
		for q := p; q < len(b.parts); q += w.tasks {
			if b.parts[q] == nil {
				b.parts[q] = []any{}
			}
		}
	}
	w.loaded[p] = true
	return stale, len(times), nil
}

// Put keeps batch t, parts[q] for the partitions this member owns (nil
// for the others): produce writes them to the changelog, encoded, and
// removes the batches that left the longest window. A batch already held
// is not written again.
func (w *WindowStore) Put(t int64, parts [][]any, owned func(q int) bool, encode func([]any) ([]byte, error), produce func(p int32, key, value []byte)) error {
	if _, ok := w.batches[t]; ok {
		return nil
	}
	n := len(parts)
	b := &windowBatch{parts: make([][]any, n), records: make([]int, n)}
	for q, part := range parts {
		if !owned(q) {
			continue
		}
		if part == nil {
			part = []any{}
		}
		b.parts[q] = part
		// An empty partition is written too: its record says how many
		// partitions the batch has.
		for i := 0; i == 0 || i*RecordElems < len(part); i++ {
			value, err := encode(part[i*RecordElems : min(len(part), (i+1)*RecordElems)])
			if err != nil {
				return err
			}
			produce(int32(q%w.tasks), windowKey(t, q, n, i), value)
			b.records[q]++
		}
	}
	w.batches[t] = b
	for bt, old := range w.batches {
		if bt > t-w.keep {
			continue
		}
		for q, records := range old.records {
			for i := range records {
				produce(int32(q%w.tasks), windowKey(bt, q, len(old.parts), i), nil)
			}
		}
		delete(w.batches, bt)
	}
	return nil
}

// Window returns the window store of stream id in the running epoch, read
// by windows of at most keep ms, creating its changelog
// APP-<id>-changelog of P partitions.
func (j *Job[P, T]) Window(id string, keep int64) (*WindowStore, error) {
	j.mu.Lock()
	ws, ok := j.windows[id]
	j.mu.Unlock()
	if ok {
		return ws, nil
	}
	topic := j.Topic(id, "changelog")
	if err := j.ensureTopic(topic, j.parts, true); err != nil {
		return nil, err
	}
	ws = NewWindowStore(topic, j.parts, keep)
	j.mu.Lock()
	j.windows[id] = ws
	j.mu.Unlock()
	return ws, nil
}

// LoadWindow makes ws hold the partitions this member owns in the running
// batch: it forgets those it no longer owns and restores those it gained
// from the changelog read to its last stable offset, tombstoning the
// records of batches that left every window. name is how the logs call
// the stream.
func (j *Job[P, T]) LoadWindow(ws *WindowStore, name string) error {
	t := j.Time()
	for p := range j.parts {
		switch owned := j.Owns(p); {
		case !owned && ws.Loaded(p):
			ws.Forget(p)
		case owned && !ws.Loaded(p):
			starts, ends, err := j.topicEnds(ws.Topic)
			if err != nil {
				return err
			}
			image, order, _, err := j.km.ReadChangelog(ws.Topic, int32(p), starts[int32(p)], ends[int32(p)])
			var stale []string
			batches := 0
			if err == nil {
				stale, batches, err = ws.Restore(p, image, order, t, j.codec.Elems.Unmarshal)
			}
			if err != nil {
				return fmt.Errorf("restoring partition %d of the window store %s: %w", p, ws.Topic, err)
			}
			for _, k := range stale {
				j.km.Produce(ws.Topic, int32(p), []byte(k), nil, nil)
			}
			if batches > 0 {
				j.Logf("restored partition %d of the window store of %s (%d batches)", p, name, batches)
			}
		}
	}
	return nil
}

// PutWindow keeps batch t of ws's stream, parts (nil where this member
// does not own the partition), in the store and the batch's transaction
// (WindowStore.Put). The error names an element the codec cannot encode.
func (j *Job[P, T]) PutWindow(ws *WindowStore, t int64, parts [][]any) error {
	produce := func(p int32, key, value []byte) { j.km.Produce(ws.Topic, p, key, value, nil) }
	if err := ws.Put(t, parts, j.Owns, j.codec.Elems.Marshal, produce); err != nil {
		return fmt.Errorf("an element cannot be written to the window store %s: %w", ws.Topic, err)
	}
	return nil
}
