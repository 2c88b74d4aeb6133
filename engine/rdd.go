package engine

import (
	"github.com/gostream/gostream/engine/internal/rdd"
	"github.com/gostream/gostream/engine/internal/shuffle"
)

// RDD is one batch's data: an immutable collection of elements split into
// partitions. Narrow transformations (Map, Filter, FlatMap, ...) are lazy and
// fused: they run element by element inside the task that consumes them.
// Shuffles and persisted RDDs are materialized once, by parallel tasks.
type RDD struct {
	ex   *executor
	op   string
	n    int
	time Time // the batch this RDD belongs to, for errors; 0 outside batches
	// d is the partitions: computed, materialized and stored by
	// engine/internal/rdd.
	d *rdd.Data[Pair]
}

func newRDD(ex *executor, op string, n int, deps []*RDD, compute func(int, func(any))) *RDD {
	r := &RDD{ex: ex, op: op, n: n}
	var ds []*rdd.Data[Pair]
	for _, d := range deps {
		ds = append(ds, d.d)
	}
	r.d = rdd.New(ex.env, r.tasks(op), n, ds, compute)
	return r
}

func materialized(ex *executor, op string, parts [][]any) *RDD {
	r := &RDD{ex: ex, op: op, n: len(parts)}
	r.d = rdd.Of[Pair](ex.env, r.tasks(op), parts)
	return r
}

// tasks runs n tasks of op for r: a failure names op and r's batch.
func (r *RDD) tasks(op string) func(n int, task func(p int)) {
	return func(n int, task func(p int)) { r.ex.run(op, r.time, n, task) }
}

func (r *RDD) at(t Time) *RDD {
	r.time = t
	return r
}

// NumPartitions returns the number of partitions.
func (r *RDD) NumPartitions() int { return r.n }

// ready materializes every dependency, so tasks reading r never start nested
// parallel work, and materializes r itself when it is a shuffle or persisted.
func (r *RDD) ready() { r.d.Ready() }

// iterate pushes partition p to emit. Call ready first.
func (r *RDD) iterate(p int, emit func(any)) { r.d.Iterate(p, emit) }

// partition returns partition p as a slice. Call ready first.
func (r *RDD) partition(p int) []any { return r.d.Partition(p) }

// Partitions computes the RDD and returns its partitions.
func (r *RDD) Partitions() [][]any { return r.d.Partitions() }

// Collect returns every element, partition by partition.
func (r *RDD) Collect() []any { return r.d.Collect() }

// Count returns the number of elements.
func (r *RDD) Count() int { return r.d.Count(r.tasks("Count")) }

// Take returns the first n elements, computing partitions in order only as far
// as needed.
func (r *RDD) Take(n int) []any { return r.d.Take(n, r.tasks("Take")) }

// First returns the first element, or nil when the RDD is empty.
func (r *RDD) First() any {
	if xs := r.Take(1); len(xs) > 0 {
		return xs[0]
	}
	return nil
}

// IsEmpty reports whether the RDD has no elements.
func (r *RDD) IsEmpty() bool { return len(r.Take(1)) == 0 }

// Persist marks the RDD to be kept in memory once computed.
func (r *RDD) Persist(level ...StorageLevel) *RDD {
	l := MemoryOnlySer
	if len(level) > 0 {
		l = level[0]
	}
	r.d.Persist(l != None, l.Serialized())
	return r
}

// Cache persists the RDD at MemoryOnly.
func (r *RDD) Cache() *RDD { return r.Persist(MemoryOnly) }

// Unpersist drops the stored partitions of a materialized, persisted RDD.
func (r *RDD) Unpersist() { r.d.Unpersist() }

// narrow returns an RDD with r's partitioning whose partition p is f applied
// to r's partition p.
func (r *RDD) narrow(op string, f func(p int, emit func(any)) func(any)) *RDD {
	return r.derived(op, r.d.Narrow(f))
}

// materializedBy returns an RDD of n partitions after r, materialized at
// once by m.
func (r *RDD) materializedBy(op string, n int, m func() [][]any) *RDD {
	out := newRDD(r.ex, op, n, []*RDD{r}, nil).at(r.time)
	out.d.Materialize = m
	return out
}

// derived returns an RDD with r's partitioning and batch whose partitions
// compute computes from r's.
func (r *RDD) derived(op string, compute func(p int, emit func(any))) *RDD {
	return newRDD(r.ex, op, r.n, []*RDD{r}, compute).at(r.time)
}

// Map applies f, a func(T) U, to every element.
func (r *RDD) Map(f any) *RDD { return r.mapAdapted(unary("Map", f), f) }

// mapAdapted is Map with f already adapted to g; f itself picks the typed path.
func (r *RDD) mapAdapted(g func(any) any, f any) *RDD {
	out := r.derived("Map", r.d.Map(g, userFailure("Map")))
	out.d.StrInts = mapStrInts(r, f)
	return out
}

func callUnary(op string, g func(any) any, x any) any {
	defer func() { guard(op, x, recover()) }()
	return g(x)
}

// Filter keeps the elements for which f, a func(T) bool, returns true.
func (r *RDD) Filter(f any) *RDD { return r.filterAdapted(predicate("Filter", f), f) }

// filterAdapted is Filter with f already adapted to g.
func (r *RDD) filterAdapted(g func(any) bool, f any) *RDD {
	out := r.derived("Filter", r.d.Filter(g, userFailure("Filter")))
	out.d.Strs = filterStrs(r, f)
	return out
}

func callPredicate(op string, g func(any) bool, x any) bool {
	defer func() { guard(op, x, recover()) }()
	return g(x)
}

// FlatMap applies f, a func(T) []U, to every element and flattens the results.
func (r *RDD) FlatMap(f any) *RDD { return r.flatMapAdapted(expander("FlatMap", f), f) }

// flatMapAdapted is FlatMap with f already adapted to g.
func (r *RDD) flatMapAdapted(g func(any, func(any)), f any) *RDD {
	out := r.derived("FlatMap", r.d.FlatMap(g, userFailure("FlatMap")))
	out.d.Strs = flatMapStrs(r, f)
	return out
}

// MapPartitions applies f, a func([]T) []U, to each whole partition.
func (r *RDD) MapPartitions(f any) *RDD {
	return r.mapPartitionsAdapted(partitionFunc("MapPartitions", f))
}

func (r *RDD) mapPartitionsAdapted(g func([]any) []any) *RDD {
	whole := func(_ int, part []any) []any { return g(part) }
	return r.derived("MapPartitions", r.d.Whole(whole, userFailure("MapPartitions")))
}

// Glom turns each partition into one element, a []any.
func (r *RDD) Glom() *RDD { return r.derived("Glom", r.d.Glom()) }

// Union returns the elements of r and others; the partitions of r come first.
func (r *RDD) Union(others ...*RDD) *RDD {
	all := append([]*RDD{r}, others...)
	return unionRDDs(r.ex, all).at(r.time)
}

func unionRDDs(ex *executor, all []*RDD) *RDD {
	var ds []*rdd.Data[Pair]
	for _, r := range all {
		ds = append(ds, r.d)
	}
	n, compute := rdd.Union(ds)
	return newRDD(ex, "Union", n, all, compute)
}

// Repartition redistributes the elements into n partitions, round robin.
func (r *RDD) Repartition(n int) *RDD {
	if n <= 0 {
		buildErrorf("Repartition", "want a positive number of partitions, got %d", n)
	}
	// Through the shuffle, each element keyed by its position: the i-th
	// element of input partition p goes to partition (p+i) mod n.
	const op = "Repartition"
	keyed := r.derived(op, r.d.Positions(n))
	return shuffleRDDs(r.ex, op, n, []*RDD{keyed}, []func(any) (any, any){pairSplit(op)}, aggregator{records: true}, recordOut).at(r.time)
}

// Reduce combines all elements with f, a func(a, b T) T, and returns the
// result, or nil when the RDD is empty.
func (r *RDD) Reduce(f any) any {
	rd := newReducer("Reduce", f)
	res, ok := r.reduce("Reduce", rd)
	if !ok {
		return nil
	}
	return res
}

func (r *RDD) reduce(op string, rd reducer) (any, bool) {
	return r.d.Reduce(r.tasks(op), rd.f, userFailure(op))
}

func callReduce(op string, f func(a, b any) any, a, b any) any {
	defer func() { guard(op, b, recover()) }()
	return f(a, b)
}

// SortBy sorts the elements by the key f, a func(T) K, returns; keys are
// ints, floats or strings (or Pairs of them). The result has one partition.
func (r *RDD) SortBy(f any, ascending bool) *RDD {
	g := unary("SortBy", f)
	return r.materializedBy("SortBy", 1, r.d.SortBy(func(x any) any { return callUnary("SortBy", g, x) }, ascending))
}

// Distinct returns the distinct elements, hash-partitioned.
func (r *RDD) Distinct(opts ...OpOption) *RDD {
	o := r.ex.opOptions("Distinct", opts)
	return r.shuffle("Distinct", o.numTasks, func(x any) (any, any) { return x, nil }, aggregator{create: shuffle.Nothing, merge: shuffle.NothingMerge}, func(k, acc any) any { return k })
}

// CountByValue returns (value,count) pairs.
func (r *RDD) CountByValue(opts ...OpOption) *RDD {
	return r.countByValue(r.ex.opOptions("CountByValue", opts).numTasks)
}

func (r *RDD) countByValue(n int) *RDD {
	return r.shuffle("CountByValue", n, func(x any) (any, any) { return x, 1 }, countAggregator, pairOut)
}
