package engine

import (
	"fmt"
	"slices"
	"time"

	"github.com/gostream/gostream/engine/internal/cluster"
)

// The windows of a cluster job read their parent's batches from a window
// store that moves with the partitions (cluster.WindowStore): every batch,
// the member writes its partitions of each window parent's RDD to the
// parent's compacted changelog APP-<Op>-<i>-changelog in the batch's
// transaction, and removes the batches that left the longest window over
// it. A member that gains task p reads partition p of the changelog to its
// last stable offset before a window reads it; a window then reads the
// batches of its owned partitions from the store. An incremental window
// starts again from its whole window (reduced from the store) whenever the
// member's partitions change or a batch was aborted: its previous window
// held other partitions.

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
func (cm *clusterMember) window(d *DStream) (*cluster.WindowStore, error) {
	cm.mu.Lock()
	ws, ok := cm.windows[d]
	cm.mu.Unlock()
	if ok {
		return ws, nil
	}
	topic := cm.topic(cm.streamID(d), "changelog")
	if err := cm.ensureTopic(topic, cm.parts, true); err != nil {
		return nil, fmt.Errorf("the window store of %s: %w", d.op, err)
	}
	ws = cluster.NewWindowStore(topic, cm.parts, durMS(cm.winKeep[d]))
	cm.mu.Lock()
	cm.windows[d] = ws
	cm.mu.Unlock()
	return ws, nil
}

// windowSlice is d.slice in a cluster job: the batch running now as d
// computes it, the earlier ones from the store.
func (cm *clusterMember) windowSlice(d *DStream, from, to Time) []*RDD {
	ws := cm.loadWindow(d)
	now := cm.batchTime()
	var out []*RDD
	step := Time(durMS(d.slide))
	for t := from; t <= to; t += step {
		if t <= d.zero {
			continue
		}
		if t == now {
			if r := d.getOrCompute(t); r != nil {
				cm.feedWindow(d, ws, t, r)
				out = append(out, r)
			}
			continue
		}
		if parts, ok := ws.Batch(int64(t)); ok {
			out = append(out, materialized(d.ssc.ex, d.op, parts).at(t))
		}
	}
	return out
}

// loadWindow returns d's store holding the partitions this member owns
// in the running batch: it forgets those it no longer owns and restores
// those it gained.
func (cm *clusterMember) loadWindow(d *DStream) *cluster.WindowStore {
	t := cm.batchTime()
	fail := func(err error) {
		panic(taskFailure{&Error{Op: d.op, Time: t, Msg: err.Error(), Err: err}})
	}
	ws, err := cm.window(d)
	if err != nil {
		fail(err)
	}
	for p := range cm.parts {
		switch owned := cm.owns(p); {
		case !owned && ws.Loaded(p):
			ws.Forget(p)
		case owned && !ws.Loaded(p):
			starts, ends, err := cm.topicEnds(ws.Topic)
			if err != nil {
				fail(err)
			}
			image, order, _, err := cm.km.ReadChangelog(ws.Topic, int32(p), starts[int32(p)], ends[int32(p)])
			var stale []string
			batches := 0
			if err == nil {
				stale, batches, err = ws.Restore(p, image, order, int64(t), elems.Unmarshal)
			}
			if err != nil {
				fail(fmt.Errorf("restoring partition %d of the window store %s: %w", p, ws.Topic, err))
			}
			for _, k := range stale {
				cm.km.Produce(ws.Topic, int32(p), []byte(k), nil, nil)
			}
			if batches > 0 {
				cm.logf("restored partition %d of the window store of %s (%d batches)", p, d.op, batches)
			}
		}
	}
	return ws
}

func (cm *clusterMember) batchTime() Time {
	cm.mu.Lock()
	defer cm.mu.Unlock()
	return cm.t
}

// feedWindow keeps batch t of d, r, in d's store: its owned partitions go
// to the changelog.
func (cm *clusterMember) feedWindow(d *DStream, ws *cluster.WindowStore, t Time, r *RDD) {
	if _, ok := ws.Batch(int64(t)); ok {
		return
	}
	r.ready()
	parts := make([][]any, r.n)
	for q := range parts {
		if cm.owns(q) {
			parts[q] = r.partition(q)
		}
	}
	produce := func(p int32, key, value []byte) { cm.km.Produce(ws.Topic, p, key, value, nil) }
	if err := ws.Put(int64(t), parts, cm.owns, elems.Marshal, produce); err != nil {
		panic(taskFailure{&Error{Op: d.op, Time: t, Msg: fmt.Sprintf("an element cannot be written to the window store %s: %v", ws.Topic, err), Err: err}})
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
			ws := cm.loadWindow(d)
			if r := d.getOrCompute(t); r != nil {
				cm.feedWindow(d, ws, t, r)
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
