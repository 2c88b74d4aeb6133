package engine

import (
	"github.com/gostream/gostream/engine/internal/rdd"
	"github.com/gostream/gostream/engine/internal/shuffle"
)

// aggregator combines the values of one key, Spark's combineByKey: create
// starts an accumulator from the first value, merge folds in another value,
// combine merges two accumulators (nil means merge also combines). When
// intFn is set, values are ints and accumulators stay unboxed; sum says
// intFn is Sum, so it is inlined. feed says whether a map task may read its
// input's typed path (fused.go), agreeing with the shuffle's split. records
// says the shuffle combines nothing: out gets every record's key and value,
// in order.
type aggregator struct {
	records bool
	apart   bool // in a cluster, each batch a reduce side catches up on is grouped apart (cogroup)
	create  func(v any) any
	merge   func(acc, v any) any
	combine func(a, b any) any
	intFn   func(a, b int) int
	sum     bool
	feed    rdd.Feed
}

var countAggregator = aggregator{intFn: Sum, sum: true, feed: rdd.FeedElems}

func pairOut(k, acc any) any { return Pair{k, acc} }

// shuffleAgg adapts agg to the shuffle once per operation: the user
// functions are guarded so that a panic fails the task naming op and the
// element, and wrong values and unhashable keys fail as engine errors.
func (agg *aggregator) shuffleAgg(op string) *shuffle.Aggregator {
	var a *shuffle.Aggregator
	switch {
	case agg.records:
		a = &shuffle.Aggregator{Records: true}
	case agg.intFn != nil:
		// Called bare; the tasks fail a panic of it (recoverIntFn).
		a = &shuffle.Aggregator{IntFn: agg.intFn, Sum: agg.sum, NotInt: func(v any) { failElem(op, v, "int") }}
	default:
		a = shuffle.Guarded(agg.create, agg.merge, agg.combine, userFailure(op))
	}
	a.Unhashable = unhashableKey(op)
	return a
}

// failOnInt fails op for a panic r of its int reduce function, as guard
// does for a value of type int.
func failOnInt(op string, r any) {
	if r != nil {
		failWith(op, r, "function panicked on element of type int")
	}
}

// shuffle hash-partitions r by the key split returns, combining values per
// key on both sides, and emits out(key, accumulator) per key.
func (r *RDD) shuffle(op string, n int, split func(x any) (k, v any), agg aggregator, out func(k, acc any) any) *RDD {
	return shuffleRDDs(r.ex, op, n, []*RDD{r}, []func(any) (any, any){split}, agg, out).at(r.time)
}

// shuffleRDDs is shuffle over several inputs, each with its own split; an
// input's index is what split can tag values with (cogroup).
func shuffleRDDs(ex *executor, op string, n int, ins []*RDD, splits []func(any) (any, any), agg aggregator, out func(k, acc any) any) *RDD {
	if n <= 0 {
		n = ex.parallelism
	}
	if cm := ex.cluster; cm != nil {
		if id := cm.ShuffleID(); id != "" {
			return cm.clusterShuffleRDDs(ex, id, op, n, ins, splits, agg, out)
		}
	}
	res := newRDD(ex, op, n, ins, nil)
	res.d.Shuffle(splits, agg.shuffleAgg(op), agg.feed, hashKey, out, func(r any) { failOnInt(op, r) })
	return res
}

// partitionOf is the hash partitioner: the partition of key k among n.
func partitionOf(k any, n int) int { return shuffle.Partition[Pair, Time](k, n) }

// hashKey is the partitioner's deterministic hash of a key.
func hashKey(k any) uint64 { return shuffle.Hash[Pair, Time](k) }

func pairSplit(op string) func(x any) (any, any) {
	return func(x any) (any, any) {
		p, ok := x.(Pair)
		if !ok {
			failElem(op, x, "engine.Pair")
		}
		return p.Key, p.Value
	}
}

func reduceAggregator(rd reducer) aggregator {
	if rd.intFn != nil {
		return aggregator{intFn: rd.intFn, sum: rd.sum, feed: rdd.FeedPairs}
	}
	return aggregator{create: func(v any) any { return v }, merge: rd.f}
}

func groupAggregator() aggregator {
	return aggregator{create: shuffle.GroupCreate, merge: shuffle.GroupMerge, combine: shuffle.GroupCombine}
}

// ReduceByKey merges the values of each key with f, a func(a, b V) V.
func (r *RDD) ReduceByKey(f any, opts ...OpOption) *RDD {
	o := r.ex.opOptions("ReduceByKey", opts)
	return r.reduceByKey(newReducer("ReduceByKey", f), o.numTasks)
}

func (r *RDD) reduceByKey(rd reducer, n int) *RDD {
	return r.shuffle("ReduceByKey", n, pairSplit("ReduceByKey"), reduceAggregator(rd), pairOut)
}

// GroupByKey groups the values of each key: (k, []any).
func (r *RDD) GroupByKey(opts ...OpOption) *RDD {
	return r.groupByKey(r.ex.opOptions("GroupByKey", opts).numTasks)
}

func (r *RDD) groupByKey(n int) *RDD {
	return r.shuffle("GroupByKey", n, pairSplit("GroupByKey"), groupAggregator(), pairOut)
}

// MapValues applies f, a func(V) W, to the value of every pair.
func (r *RDD) MapValues(f any) *RDD { return r.mapValues(unary("MapValues", f)) }

func (r *RDD) mapValues(g func(any) any) *RDD {
	notPair := func(x any) { failElem("MapValues", x, "engine.Pair") }
	return r.derived("MapValues", r.d.MapValues(g, notPair, userFailure("MapValues")))
}

// FlatMapValues applies f, a func(V) []W, to every value and pairs each
// result with the key.
func (r *RDD) FlatMapValues(f any) *RDD { return r.flatMapValues(expander("FlatMapValues", f)) }

func (r *RDD) flatMapValues(g func(any, func(any))) *RDD {
	notPair := func(x any) { failElem("FlatMapValues", x, "engine.Pair") }
	return r.derived("FlatMapValues", r.d.FlatMapValues(g, notPair, userFailure("FlatMapValues")))
}

// Cogroup groups both RDDs by key: (k, ([]v, []w)).
func (r *RDD) Cogroup(other *RDD, opts ...OpOption) *RDD {
	o := r.ex.opOptions("Cogroup", opts)
	return cogroup("Cogroup", r, other, o.numTasks, shuffle.Cogrouped[Pair])
}

// cogroup groups left and right by key (shuffle.Groups) and calls emit
// with each key's groups.
func cogroup(op string, left, right *RDD, n int, emit func(k any, g *shuffle.Groups, emit func(any))) *RDD {
	split := pairSplit(op)
	agg := aggregator{apart: true, create: shuffle.CogroupCreate, merge: shuffle.CogroupMerge, combine: shuffle.CogroupCombine}
	splits := []func(any) (any, any){shuffle.TagSide(0, split), shuffle.TagSide(1, split)}
	grouped := shuffleRDDs(left.ex, op, n, []*RDD{left, right}, splits, agg, pairOut).at(left.time)
	return newRDD(left.ex, op, grouped.n, []*RDD{grouped}, func(p int, out func(any)) {
		grouped.iterate(p, shuffle.EachGroup[Pair](emit, out))
	}).at(left.time)
}

// Join returns (k, (v, w)) for every pair of values of a key present on both sides.
func (r *RDD) Join(other *RDD, opts ...OpOption) *RDD {
	return r.join("Join", other, opts, false, false)
}

// LeftOuterJoin is Join keeping keys only on the left, with a nil right value.
func (r *RDD) LeftOuterJoin(other *RDD, opts ...OpOption) *RDD {
	return r.join("LeftOuterJoin", other, opts, true, false)
}

// RightOuterJoin is Join keeping keys only on the right, with a nil left value.
func (r *RDD) RightOuterJoin(other *RDD, opts ...OpOption) *RDD {
	return r.join("RightOuterJoin", other, opts, false, true)
}

// FullOuterJoin is Join keeping keys of either side, with nil for the missing one.
func (r *RDD) FullOuterJoin(other *RDD, opts ...OpOption) *RDD {
	return r.join("FullOuterJoin", other, opts, true, true)
}

func (r *RDD) join(op string, other *RDD, opts []OpOption, keepLeft, keepRight bool) *RDD {
	o := r.ex.opOptions(op, opts)
	return cogroup(op, r, other, o.numTasks, shuffle.Joined[Pair](keepLeft, keepRight))
}
