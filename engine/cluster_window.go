package engine

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gostream/gostream/engine/internal/cluster"
)

// The windows of a cluster job read their parent's batches from a window
// store that moves with the partitions (cluster.WindowStore, kept by
// cluster.Job): every batch writes its owned partitions of each window
// parent's RDD to the store. An incremental window starts again from its
// whole window (reduced from the store) whenever the member's partitions
// change or a batch was aborted: its previous window held other partitions.

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

// windowSlice is d.slice in a cluster job: the batch running now as d
// computes it, the earlier ones from the store.
func (cm *clusterMember) windowSlice(d *DStream, from, to Time) []*RDD {
	ws := cm.loadWindow(d)
	now := Time(cm.job.Time())
	var out []*RDD
	step := Time(durMS(d.slide))
	for t := from; t <= to; t += step {
		if t <= d.zeroTime() {
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

// loadWindow returns d's store, creating its changelog, holding the
// partitions this member owns in the running batch (cluster.Job's
// LoadWindow).
func (cm *clusterMember) loadWindow(d *DStream) *cluster.WindowStore {
	ws, err := cm.job.Window(cm.streamID(d), durMS(cm.winKeep[d]))
	if err != nil {
		err = fmt.Errorf("the window store of %s: %w", d.op, err)
	} else {
		err = cm.job.LoadWindow(ws, d.op)
	}
	if err != nil {
		panic(taskFailure{&Error{Op: d.op, Time: Time(cm.job.Time()), Msg: err.Error(), Err: err}})
	}
	return ws
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
	if err := cm.job.PutWindow(ws, int64(t), parts); err != nil {
		panic(taskFailure{&Error{Op: d.op, Time: t, Msg: err.Error(), Err: errors.Unwrap(err)}})
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
					cm.job.Fail(asTaskError(d.op, p))
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
