package engine

import (
	"fmt"
	"time"

	"github.com/gostream/gostream/engine/internal/exec"
	"github.com/gostream/gostream/engine/internal/shuffle"
	win "github.com/gostream/gostream/engine/internal/window"
)

// Window operations, after Spark's WindowedDStream and ReducedWindowedDStream.
//
// A window of length W sliding every S covers, at time t, the parent's
// batches in (t-W, t]; a windowed stream emits only at times that are
// multiples of S (counted from the context's zero time), and the first
// windows are partial. W and S must be positive multiples of the parent's
// slide duration (the batch interval for non-windowed parents).
//
// Parents of windows are persisted (MemoryOnlySer unless persisted otherwise)
// and remembered for the window length on top of their own remember duration
// (windowExtra); older RDDs are dropped by graph.Clear, so memory stays flat.

// checkWindow panics with *Error unless window and slide are positive
// multiples of d's slide duration.
func (d *DStream) checkWindow(op string, window, slide time.Duration) {
	if err := win.Check(window, slide, d.slide, d.slide == d.ssc.batch); err != nil {
		buildErrorf(op, "%s", err)
	}
}

// persistForWindow makes d keep its RDDs, as windows read each several times.
func (d *DStream) persistForWindow() {
	d.ssc.mu.Lock()
	defer d.ssc.mu.Unlock()
	if d.level == None {
		d.level = MemoryOnlySer
	}
}

// slice returns d's RDDs at its valid times in [from, to], oldest first;
// times at or before the zero time (before the first batch) are skipped.
func (d *DStream) slice(from, to Time) []*RDD {
	if cm := d.ssc.ex.cluster; cm != nil && cm.windowed(d) && from <= to {
		return cm.windowSlice(d, from, to)
	}
	return d.node.Forward(int64(from), int64(to), func(t int64) (*RDD, bool) {
		r := d.getOrCompute(Time(t))
		if r != nil && d.level != None {
			// Input streams store their RDDs without getOrCompute.
			r.Persist(d.level)
		}
		return r, r != nil
	})
}

// windowed returns a stream whose RDD at t is the union of d's RDDs in
// (t-window, t].
func (d *DStream) windowed(op string, window, slide time.Duration) *DStream {
	d.checkWindow(op, window, slide)
	d.persistForWindow()
	w := d.ssc.newDStream(op, []*DStream{d}, slide, nil)
	w.windowExtra = window
	w.compute = func(t Time) *RDD {
		rdds := d.slice(t.Sub(window).Add(d.slide), t)
		if len(rdds) == 0 {
			return materialized(d.ssc.ex, op, nil)
		}
		if d.ssc.ex.cluster != nil {
			if r := zipRDDs(d.ssc.ex, rdds); r != nil {
				return r.at(t)
			}
		}
		return unionRDDs(d.ssc.ex, rdds).at(t)
	}
	return w
}

// Window returns a stream whose RDD at each slide is the union of the
// batches in the last window duration.
func (d *DStream) Window(window, slide time.Duration) *DStream {
	return d.windowed("Window", window, slide)
}

// CountByWindow returns a stream of one-element RDDs: the number of elements
// in the window (0 for an empty window).
func (d *DStream) CountByWindow(window, slide time.Duration) *DStream {
	const op = "CountByWindow"
	d.checkWindow(op, window, slide)
	counts := d.derive(op, func(r *RDD, t Time) *RDD { return countRDD(r) })
	w := counts.windowed(op, window, slide)
	return w.derive(op, func(r *RDD, t Time) *RDD {
		out := newRDD(r.ex, op, 1, []*RDD{r}, nil).at(t)
		out.d.Materialize = r.d.SumOne()
		return out
	})
}

// ReduceByWindow returns a stream of one-element RDDs: the elements of the
// window combined with f, a func(a, b T) T (empty when the window is). With
// Inverse(inv) each window is computed from the previous one.
func (d *DStream) ReduceByWindow(f any, window, slide time.Duration, opts ...OpOption) *DStream {
	const op = "ReduceByWindow"
	rd := newReducer(op, f)
	o := d.ssc.ex.opOptions(op, opts, "Inverse", "FilterFunc")
	d.checkWindow(op, window, slide)
	if o.inverse == nil && o.filter != nil {
		buildErrorf(op, "option FilterFunc applies only with Inverse")
	}
	if o.inverse == nil {
		perBatch := d.derive(op, func(r *RDD, t Time) *RDD { return reduceRDD(op, r, rd) })
		w := perBatch.windowed(op, window, slide)
		return w.derive(op, func(r *RDD, t Time) *RDD { return reduceRDD(op, r, rd) })
	}
	inv := newReducer(op, o.inverse)
	keyed := d.mapped(op, func(x any) any { return Pair{0, x} })
	var filter func(any) bool
	if o.filter != nil {
		g := predicate(op, o.filter)
		filter = func(x any) bool { return g(x.(Pair).Value) }
	}
	w := keyed.reducedWindow(op, rd, inv, filter, window, slide, 1)
	return w.mapped(op, func(x any) any { return x.(Pair).Value })
}

// CountByValueAndWindow returns a stream of (value,count) pairs over the
// window, computed incrementally; values whose count falls to 0 are dropped.
func (d *DStream) CountByValueAndWindow(window, slide time.Duration, opts ...OpOption) *DStream {
	const op = "CountByValueAndWindow"
	o := d.ssc.ex.opOptions(op, opts)
	d.checkWindow(op, window, slide)
	ones := d.mapped(op, func(x any) any { return Pair{x, 1} })
	return ones.reducedWindow(op, newReducer(op, Sum), newReducer(op, Diff), nonZeroCount, window, slide, o.numTasks)
}

// CountByKeyAndWindow returns a stream of (key,count) pairs: the number of
// pairs of each key in the window, computed incrementally; keys whose count
// falls to 0 are dropped.
func (d *DStream) CountByKeyAndWindow(window, slide time.Duration, opts ...OpOption) *DStream {
	const op = "CountByKeyAndWindow"
	o := d.ssc.ex.opOptions(op, opts)
	d.checkWindow(op, window, slide)
	split := pairSplit(op)
	ones := d.mapped(op, func(x any) any {
		k, _ := split(x)
		return Pair{k, 1}
	})
	return ones.reducedWindow(op, newReducer(op, Sum), newReducer(op, Diff), nonZeroCount, window, slide, o.numTasks)
}

func nonZeroCount(x any) bool { return x.(Pair).Value != 0 }

// mapped returns the stream of f of every element of d, f an engine
// function that fails the task itself.
func (d *DStream) mapped(op string, f func(any) any) *DStream {
	return d.derive(op, func(r *RDD, _ Time) *RDD {
		return r.narrow(op, func(_ int, emit func(any)) func(any) {
			return func(x any) { emit(f(x)) }
		})
	})
}

// GroupByKeyAndWindow groups the values of each key over the window:
// (k, []any), the values in batch order.
func (d *DStream) GroupByKeyAndWindow(window, slide time.Duration, opts ...OpOption) *DStream {
	const op = "GroupByKeyAndWindow"
	o := d.ssc.ex.opOptions(op, opts)
	d.checkWindow(op, window, slide)
	grouped := d.derive(op, func(r *RDD, _ Time) *RDD {
		return r.shuffle(op, o.numTasks, pairSplit(op), groupAggregator(), pairOut)
	})
	w := grouped.windowed(op, window, slide)
	agg := aggregator{create: shuffle.ConcatCreate, merge: shuffle.ConcatMerge, combine: shuffle.GroupCombine}
	return w.derive(op, func(r *RDD, _ Time) *RDD {
		return r.shuffle(op, o.numTasks, pairSplit(op), agg, pairOut)
	})
}

// ReduceByKeyAndWindow merges the values of each key over the window with
// f, a func(a, b V) V. Without Inverse it reduces every batch and then the
// window's per-batch results. With Inverse(inv), a func(a, b V) V undoing f,
// it is incremental as Spark's ReducedWindowedDStream: the window at t is the
// previous window, inv the batches that left, f the batches that entered. A
// key whose value falls back to zero stays unless FilterFunc removes it: a
// func(engine.Pair) bool (or func(any) bool, also given the Pair) or a
// predicate on the value such as func(v int) bool. NumTasks sets the
// partitions.
func (d *DStream) ReduceByKeyAndWindow(f any, window, slide time.Duration, opts ...OpOption) *DStream {
	const op = "ReduceByKeyAndWindow"
	rd := newReducer(op, f)
	o := d.ssc.ex.opOptions(op, opts, "NumTasks", "Inverse", "FilterFunc")
	d.checkWindow(op, window, slide)
	filter := exec.PairFilter(adapt, op, o.filter)
	if o.inverse == nil {
		failed := userFailure(op)
		reduced := d.derive(op, func(r *RDD, _ Time) *RDD {
			return r.shuffle(op, o.numTasks, pairSplit(op), reduceAggregator(rd), pairOut)
		})
		w := reduced.windowed(op, window, slide)
		return w.derive(op, func(r *RDD, t Time) *RDD {
			out := r.shuffle(op, o.numTasks, pairSplit(op), reduceAggregator(rd), pairOut)
			if filter != nil {
				out = out.derived(op, out.d.Filter(filter, failed))
			}
			return out
		})
	}
	inv := newReducer(op, o.inverse)
	return d.reducedWindow(op, rd, inv, filter, window, slide, o.numTasks)
}

// reducedWindow is the incremental window (Spark's ReducedWindowedDStream).
// Every batch of d is reduced by key into n hash partitions and persisted;
// the window at t merges, partition by partition, the window at t-slide
// (kept by the stream, filtered), the reduced batches that left the window
// (with inv) and those that entered it (with f): engine/internal/window's
// Merge. Each window is materialized when computed, so lineage never grows.
func (d *DStream) reducedWindow(op string, rd, inv reducer, filter func(any) bool, window, slide time.Duration, n int) *DStream {
	d.checkWindow(op, window, slide)
	if n <= 0 {
		n = d.ssc.ex.parallelism
	}
	m := &win.Merge[Pair]{F: rd.f, Inv: inv.f, IntF: rd.intFn, IntInv: inv.intFn, Filter: filter,
		Panicked:   func(r, x any) { failUser(op, r, x) },
		NotPair:    func(x any) { failElem(op, x, "engine.Pair") },
		NotInt:     func(v any) { failElem(op, v, "int") },
		Unhashable: unhashableKey(op),
	}
	reduced := d.derive(op, func(r *RDD, _ Time) *RDD {
		out := r.shuffle(op, n, pairSplit(op), reduceAggregator(rd), pairOut)
		// (string, int) reductions are kept in columns for the typed window.
		out.d.ColsOut = m.Ints()
		return out
	})
	reduced.persistForWindow()
	w := d.ssc.newDStream(op, []*DStream{reduced}, slide, nil)
	w.windowExtra = window
	ex := d.ssc.ex
	ws := &windowState{op: op, ex: ex, reduced: reduced, Stream: win.Stream[Pair, *RDD]{
		Merge: m, N: n, Window: durMS(window), Slide: durMS(slide), Batch: durMS(d.slide),
		Get: func(t int64) (*RDD, bool) {
			r := reduced.getOrCompute(Time(t))
			return r, r != nil
		},
		Slice: func(from, to int64) []*RDD { return reduced.slice(Time(from), Time(to)) },
		Read: func(r *RDD) win.Batch {
			r.ready()
			return win.Batch{Cols: r.d.Cols, Part: r.partition}
		},
		Parts: (*RDD).Partitions,
		Out: func(t int64, deps []*RDD, merge func(q int) []any) *RDD {
			out := newRDD(ex, op, n, deps, nil).at(Time(t))
			out.d.Materialize = func() [][]any {
				parts := make([][]any, n)
				ex.run(op, Time(t), n, func(q int) { parts[q] = merge(q) })
				return parts
			}
			out.ready()
			return out
		},
	}}
	w.state = ws
	w.compute = func(t Time) *RDD { return ws.Compute(int64(t)) }
	return w
}

// windowState is the state of an incremental window: its latest RDD
// (engine/internal/window's Stream).
type windowState struct {
	win.Stream[Pair, *RDD]
	op      string
	ex      *executor
	reduced *DStream
}

func (ws *windowState) snapshot() (Time, [][]any, bool) {
	t, parts, ok := ws.Snapshot()
	return Time(t), parts, ok
}

func (ws *windowState) restore(t Time, parts [][]any) {
	ws.Restore(int64(t), materialized(ws.ex, ws.op, rehash(ws.op, parts, ws.N)).at(t))
}

// batches returns the reduced batches that later windows still read:
// those inside the latest window and those after it, oldest first.
func (ws *windowState) batches() ([]Time, [][][]any) {
	times, parts := ws.KeptBatches()
	return toTimes(times), parts
}

func (ws *windowState) restoreBatches(times []Time, parts [][][]any) {
	for i, t := range times {
		ws.reduced.put(t, materialized(ws.ex, ws.op, rehash(ws.op, parts[i], ws.N)).at(t))
	}
}

// rehash spreads pairs over n hash partitions, keeping their order.
func rehash(op string, parts [][]any, n int) [][]any {
	return shuffle.SpreadPairs[Pair, Time](parts, n, func(x any) {
		panic(&Error{Op: op, Msg: fmt.Sprintf("restoring state: element of type %s where an engine.Pair was expected", typeName(x))})
	})
}
