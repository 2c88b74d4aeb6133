package engine

import (
	"github.com/gostream/gostream/engine/internal/shuffle"
)

// Keys returns the key of every Pair. Spark's keys.
func (r *RDD) Keys() *RDD { return r.derived("Keys", r.d.Keys(notPair("Keys"))) }

// Values returns the value of every Pair. Spark's values.
func (r *RDD) Values() *RDD { return r.derived("Values", r.d.Values(notPair("Values"))) }

// notPair fails op for an element that is not a Pair.
func notPair(op string) func(x any) { return func(x any) { failElem(op, x, "engine.Pair") } }

// CountByKey returns the number of Pairs of each key. Spark's countByKey.
func (r *RDD) CountByKey() map[any]int {
	const op = "CountByKey"
	split := pairSplit(op)
	counted := r.shuffle(op, r.ex.parallelism, func(x any) (any, any) {
		k, _ := split(x)
		return k, 1
	}, aggregator{intFn: Sum, sum: true}, pairOut)
	return counted.d.IntsByKey()
}

// CollectAsMap returns the Pairs as a map of key to value; of several pairs
// with one key, the last in partition order wins. Spark's collectAsMap.
func (r *RDD) CollectAsMap() map[any]any {
	const op = "CollectAsMap"
	return r.d.AsMap(notPair(op), func(k, rec any) {
		buildErrorf(op, "key of type %s cannot be a map key: %v", typeName(k), rec)
	})
}

// Lookup(key) returns the values of the Pairs whose key equals key, in
// partition order ([] when there are none). Keys are equal by Go's ==, so
// Lookup("1") does not find the key 1 nor Lookup(int64(1)) the key 1; keys
// that == cannot compare (slices) are equal when they print alike. Spark's
// lookup.
func (r *RDD) Lookup(key any) []any {
	const op = "Lookup"
	return r.d.Lookup(r.tasks(op), key, compareNatural, notPair(op))
}

// CombineByKey(create, mergeValue, mergeCombiners, opts...) combines the
// values of each key into a combiner of another type C: create, a
// func(V) C, makes a key's combiner from its first value in a partition;
// mergeValue, a func(C, V) C, folds in another value of that partition;
// mergeCombiners, a func(C, C) C, merges the combiners of two partitions.
// The result is (key, C) pairs, hash partitioned into NumTasks(n)
// partitions (default N of local[N]). The other ByKey operations are
// CombineByKey with particular functions. Spark's combineByKey.
func (r *RDD) CombineByKey(create, mergeValue, mergeCombiners any, opts ...OpOption) *RDD {
	const op = "CombineByKey"
	o := r.ex.opOptions(op, opts)
	return r.shuffle(op, o.numTasks, pairSplit(op), combineAggregator(create, mergeValue, mergeCombiners), pairOut)
}

func combineAggregator(create, mergeValue, mergeCombiners any) aggregator {
	const op = "CombineByKey"
	return aggregator{
		create:  unary(op, create),
		merge:   binaryFunc(op, mergeValue, "a mergeValue func(C, V) C"),
		combine: binaryFunc(op, mergeCombiners, "a mergeCombiners func(C, C) C"),
	}
}

// AggregateByKey(zero, seqOp, combOp, opts...) aggregates the values of
// each key into a value of another type U, starting from zero in every
// partition: seqOp, a func(U, V) U, folds a value into the aggregate;
// combOp, a func(U, U) U, merges two partitions' aggregates. zero is shared,
// so seqOp must not modify it in place (return a new slice or map).
// NumTasks(n) sets the partitions. Spark's aggregateByKey.
func (r *RDD) AggregateByKey(zero, seqOp, combOp any, opts ...OpOption) *RDD {
	const op = "AggregateByKey"
	o := r.ex.opOptions(op, opts)
	seq := binaryFunc(op, seqOp, "a seqOp func(U, V) U")
	agg := aggregator{
		create:  func(v any) any { return seq(zero, v) },
		merge:   seq,
		combine: binaryFunc(op, combOp, "a combOp func(U, U) U"),
	}
	return r.shuffle(op, o.numTasks, pairSplit(op), agg, pairOut)
}

// FoldByKey(zero, f, opts...) merges the values of each key with f, a
// func(V, V) V, starting from zero (the identity of f, such as 0 for a
// sum) in every partition. NumTasks(n) sets the partitions. Spark's
// foldByKey.
func (r *RDD) FoldByKey(zero, f any, opts ...OpOption) *RDD {
	const op = "FoldByKey"
	o := r.ex.opOptions(op, opts)
	g := binaryFunc(op, f, "a func(V, V) V")
	agg := aggregator{
		create:  func(v any) any { return g(zero, v) },
		merge:   g,
		combine: g,
	}
	return r.shuffle(op, o.numTasks, pairSplit(op), agg, pairOut)
}

// SubtractByKey(other, opts...) returns the Pairs whose key is not a key of
// other. NumTasks(n) sets the partitions (default: as many as r). Spark's
// subtractByKey.
func (r *RDD) SubtractByKey(other *RDD, opts ...OpOption) *RDD {
	const op = "SubtractByKey"
	checkOther(op, other)
	n := partitionsOr(r, op, opts)
	return cogroup(op, r, other, n, shuffle.SubtractPairs[Pair])
}

// partitionsOr is NumTasks when given, else r's number of partitions.
func partitionsOr(r *RDD, op string, opts []OpOption) int {
	return r.ex.opOptions(op, opts).tasksOr(r.n)
}

func checkOther(op string, other *RDD) {
	if other == nil {
		buildErrorf(op, "want an *RDD, got nil")
	}
}

// CombineByKey(create, mergeValue, mergeCombiners, opts...) combines the
// values of each key of every batch into a combiner, as RDD.CombineByKey:
// create, a func(V) C; mergeValue, a func(C, V) C; mergeCombiners, a
// func(C, C) C. NumTasks(n) sets the partitions.
func (d *DStream) CombineByKey(create, mergeValue, mergeCombiners any, opts ...OpOption) *DStream {
	const op = "CombineByKey"
	agg := combineAggregator(create, mergeValue, mergeCombiners)
	n := d.ssc.ex.opOptions(op, opts).numTasks
	split := pairSplit(op)
	return d.derive(op, func(r *RDD, _ Time) *RDD { return r.shuffle(op, n, split, agg, pairOut) })
}
