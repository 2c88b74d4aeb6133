package engine

import (
	"fmt"

	"github.com/gostream/gostream/engine/internal/exec"
	"github.com/gostream/gostream/engine/internal/shuffle"
	"github.com/gostream/gostream/engine/internal/state"
)

// State of stateful streams, and how checkpoints reach it.
//
// Three kinds of stream hold state from batch to batch: UpdateStateByKey
// streams, the internal stream behind MapWithState, and incremental windows
// (ReduceByKeyAndWindow with Inverse, ReduceByWindow with Inverse,
// CountByValueAndWindow, CountByKeyAndWindow). Each keeps its latest state
// RDD, materialized every batch so lineage never grows, in a stateHolder set
// on the DStream's state field. Checkpointing walks ssc.streams (the order is
// that of construction, so the same create function rebuilds the same list)
// and, between batches (never while one runs), uses:
//
//	d.stateSnapshot() (t Time, parts [][]any, ok bool)
//	    The latest state and the batch time it belongs to; ok is false when
//	    d holds no state or has none yet. parts are the state RDD's hash
//	    partitions; every element is a Pair:
//	      UpdateStateByKey:  Pair{key, state}
//	      MapWithState:      Pair{key, Pair{state, Time(last update)}}
//	      windows:           Pair{key, windowed value}
//	d.restoreState(t Time, parts [][]any)
//	    Makes parts (as returned by stateSnapshot, any number of partitions)
//	    the state the next batch starts from. Call before Start.
//	d.windowBatches() (times []Time, parts [][][]any)
//	d.restoreWindowBatches(times []Time, parts [][][]any)
//	    Incremental windows only: the per-batch reduced values (Pair{key,
//	    value}) that later windows still read: those inside the latest
//	    window, which they subtract with the inverse function, and those of
//	    batches run since it (a window sliding over several batches), oldest
//	    first. Restore them with the state, before the next batch.
//
// Streams derived from a stateful one (MapWithState's mapped values and
// StateSnapshots, ReduceByWindow's values) hold no state themselves.

// stateHolder is the state of one stateful stream.
type stateHolder interface {
	snapshot() (Time, [][]any, bool)
	restore(t Time, parts [][]any)
}

// isStateful reports whether d holds state across batches.
func (d *DStream) isStateful() bool { return d.state != nil }

// stateSnapshot returns d's latest state; see the comment at the top of state.go.
func (d *DStream) stateSnapshot() (t Time, parts [][]any, ok bool) {
	if d.state == nil {
		return 0, nil, false
	}
	return d.state.snapshot()
}

// restoreState sets the state d's next batch starts from.
func (d *DStream) restoreState(t Time, parts [][]any) {
	if d.state == nil {
		panic(&Error{Op: d.op, Msg: "restoring state: the stream holds no state"})
	}
	d.state.restore(t, parts)
}

// windowBatches returns the reduced batches inside an incremental window.
func (d *DStream) windowBatches() (times []Time, parts [][][]any) {
	if ws, ok := d.state.(*windowState); ok {
		return ws.batches()
	}
	return nil, nil
}

// restoreWindowBatches restores what windowBatches returned.
func (d *DStream) restoreWindowBatches(times []Time, parts [][][]any) {
	if ws, ok := d.state.(*windowState); ok {
		ws.restoreBatches(times, parts)
	}
}

// unhashableKey fails op for a key that cannot be hashed.
func unhashableKey(op string) func(k, r any) {
	return func(k, r any) {
		panic(taskFailure{&Error{Op: op, Msg: fmt.Sprintf("key of type %s cannot be hashed: %v", typeName(k), r)}})
	}
}

// partitionPairs hash-partitions the pairs of r into n partitions through
// the shuffle, combining nothing and keeping their order (Spark's
// partitionBy): the elements of partition q are r's pairs for q, input
// partition by input partition.
func partitionPairs(op string, r *RDD, n int) *RDD {
	agg := aggregator{records: true}
	split := func(x any) (any, any) {
		kv, ok := x.(Pair)
		if !ok {
			failElem(op, x, "engine.Pair")
		}
		return kv.Key, x
	}
	return shuffleRDDs(r.ex, op, n, []*RDD{r}, []func(any) (any, any){split}, agg, recordOut).at(r.time)
}

// valuesAggregator gathers each key's values in order.
var valuesAggregator = aggregator{create: shuffle.ValuesCreate, merge: shuffle.ValuesMerge, combine: shuffle.ValuesCombine}

// recordOut is the output of a records shuffle: the element itself.
func recordOut(_, x any) any { return x }

// updateFunc is a user state-update function in the engine's form: new
// state and whether to keep the key.
type updateFunc = exec.UpdateFunc[Time]

const updateShape = "a func(values []V, state *S) *S or func(t engine.Time, key K, values []V, state *S) *S"

// newUpdateFunc checks f's shape and adapts it (engine/internal/exec).
func newUpdateFunc(op string, f any) updateFunc { return adapt.Update(op, f, updateShape) }

// UpdateStateByKey keeps a state per key across batches. f is
// func(values []V, state *S) *S or func(t engine.Time, key K, values []V,
// state *S) *S: every batch it runs for every key that has a state or new
// values (values is empty when none arrived; state is nil for a new key) and
// returns the new state, or nil to remove the key. The stream's elements are
// (key, state) pairs, the state value itself. Options: InitialState(rdd) of
// (key, state) pairs, NumTasks(n) partitions of the state (default N of
// local[N]).
func (d *DStream) UpdateStateByKey(f any, opts ...OpOption) *DStream {
	const op = "UpdateStateByKey"
	update := newUpdateFunc(op, f)
	o := d.ssc.ex.opOptions(op, opts, "NumTasks", "InitialState")
	n := o.numTasks
	ex := d.ssc.ex
	st := &stateRDD{op: op, n: n, ex: ex}
	if o.initialState != nil {
		st.initial = o.initialState
	}
	notPair, unhashable := func(x any) { failElem(op, x, "engine.Pair") }, unhashableKey(op)
	s := d.ssc.newDStream(op, []*DStream{d}, d.slide, nil)
	s.state = st
	s.compute = func(t Time) *RDD {
		prev, fresh := st.base(t)
		if prev.None() && !fresh {
			return nil
		}
		parent := d.getOrCompute(t)
		var grouped *RDD
		if parent != nil {
			// Each key's new values, keys in the order first met.
			grouped = shuffleRDDs(ex, op, n, []*RDD{parent}, []func(any) (any, any){pairSplit(op)}, valuesAggregator, pairOut).at(t)
			grouped.ready()
		}
		parts := make([][]any, n)
		maps := make([]*state.Map, n)
		ex.run(op, t, n, func(q int) {
			var newPart []any
			if grouped != nil {
				newPart = grouped.partition(q)
			}
			base := state.MapOf[Pair](prev, q, notPair, unhashable)
			maps[q], parts[q] = state.Updates[Pair](base, newPart, t, update, sameState, unhashable)
		})
		r := materialized(ex, op, parts).at(t)
		st.set(t, maps, parts)
		return r
	}
	return s
}

// stateBase is the state a batch starts from (engine/internal/state's Base).
type stateBase = state.Base

// stateRDD holds the latest state of an UpdateStateByKey stream: each
// partition a version of a state.Map whose entries are the state's
// elements, Pair{key, state}, and those elements, the state RDD's
// partitions. A version shares its keys and their index with the one
// before, so a batch looks up only the keys it brought.
type stateRDD struct {
	op      string
	n       int
	ex      *executor
	initial *RDD
	latest  state.Latest[stateBase] // maps nil until a batch ran since a restore
}

// base returns the state batch t starts from, one map per partition (nil
// for an empty one); fresh reports that there is none yet (the first
// batch). prev is none and fresh false when t was already computed: an
// old time the stream no longer remembers.
func (s *stateRDD) base(t Time) (prev stateBase, fresh bool) {
	prev, has, ok := s.latest.Begin(int64(t))
	switch {
	case !ok:
		return stateBase{}, false
	case s.ex.cluster != nil:
		// A cluster job's state is its partitions' changelogs (cluster_state.go).
		return stateBase{Parts: s.ex.cluster.stateBase(s, t)}, false
	case has:
		return prev, false
	case s.initial == nil:
		return stateBase{}, true
	}
	return stateBase{Parts: partitionPairs(s.op, s.initial, s.n).Partitions()}, true
}

func (s *stateRDD) set(t Time, maps []*state.Map, parts [][]any) {
	if cm := s.ex.cluster; cm != nil {
		cm.stateSet(s, t, parts)
		maps = nil // the changelogs hold the state the next batch starts from
	}
	s.latest.Done(int64(t), stateBase{Maps: maps, Parts: parts})
}

func (s *stateRDD) snapshot() (Time, [][]any, bool) {
	t, b, has := s.latest.Get()
	return Time(t), b.Parts, has
}

func (s *stateRDD) restore(t Time, parts [][]any) {
	s.latest.Restore(int64(t), stateBase{Parts: rehash(s.op, parts, s.n)})
}
