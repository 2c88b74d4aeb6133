package engine

import (
	"fmt"
	"slices"
	"time"
)

// The windows of a cluster job read their parent's batches from a window
// store that moves with the partitions, as Kafka Streams' window stores
// do. Every batch, the member writes its partitions of each window
// parent's RDD to the compacted changelog APP-<Op>-<i>-changelog, in the
// batch's transaction: partition q of the RDD goes to partition q mod P of
// the topic, in records of up to entriesPerRecord elements keyed (batch,
// q, partitions, record). A batch is tombstoned once it has left the
// longest window over the stream. A member that gains task p reads
// partition p of the changelog to its last stable offset before a window
// reads it; a window then reads the batches of its owned partitions from
// the store. An incremental window starts again from its whole window
// (reduced from the store) whenever the member's partitions change or a
// batch was aborted: its previous window held other partitions.

// clusterWindow is one window parent's store on this member.
type clusterWindow struct {
	d       *DStream
	topic   string
	keep    time.Duration // the longest window over the stream
	loaded  []bool        // per task
	batches map[Time]*windowBatch
}

// windowBatch is one batch of a window parent: its partitions (nil where
// another member owns them) and the records each was written in.
type windowBatch struct {
	parts   [][]any
	records []int
}

// windowParents finds the streams that windows read: each with the
// longest window over it.
func windowParents(streams []*DStream) map[*DStream]time.Duration {
	out := map[*DStream]time.Duration{}
	for _, w := range streams {
		if w.windowExtra > 0 {
			p := w.parents[0]
			out[p] = max(out[p], w.windowExtra)
		}
	}
	return out
}

// window returns d's window store, creating its changelog.
func (cm *clusterMember) window(d *DStream) (*clusterWindow, error) {
	cm.mu.Lock()
	cw, ok := cm.windows[d]
	cm.mu.Unlock()
	if ok {
		return cw, nil
	}
	topic := cm.topic(cm.streamID(d), "changelog")
	if err := cm.ensureTopic(topic, cm.parts, true); err != nil {
		return nil, fmt.Errorf("the window store of %s: %w", d.op, err)
	}
	cw = &clusterWindow{d: d, topic: topic, keep: cm.winKeep[d], loaded: make([]bool, cm.parts), batches: map[Time]*windowBatch{}}
	cm.mu.Lock()
	cm.windows[d] = cw
	cm.mu.Unlock()
	return cw, nil
}

// windowSlice is d.slice in a cluster job: the batch running now as d
// computes it, the earlier ones from the store.
func (cm *clusterMember) windowSlice(d *DStream, from, to Time) []*RDD {
	cw := cm.loadWindow(d)
	cm.mu.Lock()
	now := cm.t
	cm.mu.Unlock()
	var out []*RDD
	step := Time(durMS(d.slide))
	for t := from; t <= to; t += step {
		if t <= d.zero {
			continue
		}
		if t == now {
			if r := d.getOrCompute(t); r != nil {
				cm.feedWindow(cw, t, r)
				out = append(out, r)
			}
			continue
		}
		if b := cw.batches[t]; b != nil {
			out = append(out, materialized(d.ssc.ex, d.op, b.parts).at(t))
		}
	}
	return out
}

// loadWindow returns d's store holding the partitions this member owns
// in the running batch: it forgets those it no longer owns and restores
// those it gained.
func (cm *clusterMember) loadWindow(d *DStream) *clusterWindow {
	cw, err := cm.window(d)
	if err != nil {
		panic(taskFailure{&Error{Op: d.op, Time: cm.batchTime(), Msg: err.Error(), Err: err}})
	}
	for p := range cw.loaded {
		switch owned := cm.owns(p); {
		case !owned && cw.loaded[p]:
			for _, b := range cw.batches {
				for q := p; q < len(b.parts); q += cm.parts {
					b.parts[q], b.records[q] = nil, 0
				}
			}
			cw.loaded[p] = false
		case owned && !cw.loaded[p]:
			if err := cm.restoreWindow(cw, p); err != nil {
				err = fmt.Errorf("restoring partition %d of the window store %s: %w", p, cw.topic, err)
				panic(taskFailure{&Error{Op: d.op, Time: cm.batchTime(), Msg: err.Error(), Err: err}})
			}
		}
	}
	return cw
}

func (cm *clusterMember) batchTime() Time {
	cm.mu.Lock()
	defer cm.mu.Unlock()
	return cm.t
}

// restoreWindow reads partition p of a window store's changelog.
func (cm *clusterMember) restoreWindow(cw *clusterWindow, p int) error {
	image, order, _, err := cm.readChangelog(cw.topic, p)
	if err != nil {
		return err
	}
	type piece struct {
		t       Time
		q, n, i int
		elems   []any
	}
	var pieces []piece
	oldest := cm.batchTime().Sub(cw.keep)
	for _, ek := range order {
		ev, ok := image[ek]
		if !ok {
			continue
		}
		key, err1 := elems.Unmarshal([]byte(ek))
		xs, err2 := elems.Unmarshal([]byte(ev))
		var pc piece
		ok = err1 == nil && err2 == nil && len(key) == 4
		if ok {
			pc.elems = xs
			pc.t, ok = key[0].(Time)
			pc.q, pc.n, pc.i = asInt(key[1]), asInt(key[2]), asInt(key[3])
			ok = ok && pc.q >= 0 && pc.q < pc.n && pc.i >= 0
		}
		if !ok {
			return fmt.Errorf("a record of key %q is not a batch's partition", ek)
		}
		if pc.t <= oldest {
			// Left every window: an earlier owner did not remove it.
			cm.km.Produce(cw.topic, int32(p), []byte(ek), nil, nil)
			continue
		}
		pieces = append(pieces, pc)
	}
	slices.SortStableFunc(pieces, func(a, b piece) int { return a.i - b.i })
	times := map[Time]bool{}
	for _, pc := range pieces {
		times[pc.t] = true
		b := cw.batches[pc.t]
		if b == nil {
			b = &windowBatch{parts: make([][]any, pc.n), records: make([]int, pc.n)}
			cw.batches[pc.t] = b
		}
		if pc.n != len(b.parts) {
			return fmt.Errorf("batch %s is recorded with %d and with %d partitions", pc.t, pc.n, len(b.parts))
		}
		b.parts[pc.q] = append(b.parts[pc.q], pc.elems...)
		b.records[pc.q]++
	}
	for _, b := range cw.batches {
		for q := p; q < len(b.parts); q += cm.parts {
			if b.parts[q] == nil {
				b.parts[q] = []any{}
			}
		}
	}
	cw.loaded[p] = true
	if len(times) > 0 {
		cm.logf("restored partition %d of the window store of %s (%d batches)", p, cw.d.op, len(times))
	}
	return nil
}

func asInt(x any) int {
	switch v := x.(type) {
	case int:
		return v
	case int64:
		return int(v)
	case uint64:
		return int(v)
	}
	return -1
}

// feedWindow keeps batch t of the store's stream, r: its owned partitions
// go to the changelog, and the batches that left the longest window are
// removed.
func (cm *clusterMember) feedWindow(cw *clusterWindow, t Time, r *RDD) {
	if cw.batches[t] != nil {
		return
	}
	r.ready()
	b := &windowBatch{parts: make([][]any, r.n), records: make([]int, r.n)}
	for q := range b.parts {
		if !cm.owns(q) {
			continue
		}
		part := r.partition(q)
		b.parts[q] = part
		for i := 0; i == 0 || i*entriesPerRecord < len(part); i++ {
			key, err1 := elems.Marshal([]any{t, q, r.n, i})
			value, err2 := elems.Marshal(part[i*entriesPerRecord : min(len(part), (i+1)*entriesPerRecord)])
			if err := errorsJoin(err1, err2); err != nil {
				panic(taskFailure{&Error{Op: cw.d.op, Time: t, Msg: fmt.Sprintf("an element cannot be written to the window store %s: %v", cw.topic, err), Err: err}})
			}
			cm.km.Produce(cw.topic, int32(q%cm.parts), key, value, nil)
			b.records[q]++
		}
	}
	cw.batches[t] = b
	oldest := t.Sub(cw.keep)
	for bt, old := range cw.batches {
		if bt > oldest {
			continue
		}
		for q, n := range old.records {
			for i := range n {
				key, _ := elems.Marshal([]any{bt, q, len(old.parts), i})
				cm.km.Produce(cw.topic, int32(q%cm.parts), key, nil, nil)
			}
		}
		delete(cw.batches, bt)
	}
}

// feedWindows keeps batch t of every window parent, also where no window
// read it in this batch (a window sliding slower than its parent): a
// later window reads it from the store.
func (cm *clusterMember) feedWindows(t Time) {
	parents := make([]*DStream, 0, len(cm.winKeep))
	for d := range cm.winKeep {
		parents = append(parents, d)
	}
	slices.SortFunc(parents, func(a, b *DStream) int { return cm.index[a] - cm.index[b] })
	for _, d := range parents {
		if !d.validTime(t) {
			continue
		}
		func() {
			defer func() {
				if p := recover(); p != nil {
					cm.fail(asTaskError(d.op, p))
				}
			}()
			cw := cm.loadWindow(d)
			if r := d.getOrCompute(t); r != nil {
				cm.feedWindow(cw, t, r)
			}
		}()
	}
}

// zipRDDs is the union of RDDs of as many partitions each that keeps
// their number: its partition p holds partition p of each, in order, as
// Spark's PartitionerAwareUnionRDD. A cluster job's window unions its
// batches this way, so that its partitions stay with their tasks and a
// shuffle after it has as many map tasks every batch. nil when the RDDs
// differ in their number of partitions.
func zipRDDs(ex *executor, all []*RDD) *RDD {
	n := all[0].n
	for _, r := range all {
		if r.n != n {
			return nil
		}
	}
	return newRDD(ex, "Union", n, all, func(p int, emit func(any)) {
		for _, r := range all {
			r.iterate(p, emit)
		}
	})
}
