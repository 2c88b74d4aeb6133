package engine

import (
	"sync"
	"sync/atomic"

	"github.com/gostream/gostream/engine/internal/action"
	"github.com/gostream/gostream/engine/internal/order"
	"github.com/gostream/gostream/engine/internal/shuffle"
	win "github.com/gostream/gostream/engine/internal/window"
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

	// compute pushes partition p's elements to emit; nil once materialized.
	compute func(p int, emit func(any))
	// deps are RDDs that must be materialized before this RDD's tasks run:
	// shuffle inputs and persisted ancestors.
	deps []*RDD
	// materialize, when set, computes all partitions at once (shuffles).
	materialize func() [][]any
	// strs and strInts, when set, are typed forms of compute (fused.go):
	// they push the same elements in the same order without boxing them.
	// Both are nil once materialized.
	strs    func(p int, emit func(string))
	strInts func(p int, emit func(k string, key any, v int), other func(any))
	// colsOut asks a shuffle with an int aggregator to materialize into
	// cols when every key is a string; cols, when set, holds the
	// partitions (engine/internal/window's Cols) and parts and stored stay nil.
	colsOut bool
	cols    []*win.Cols

	mu      sync.Mutex
	parts   [][]any
	level   StorageLevel
	stored  *storedBlock
	persist bool
}

func newRDD(ex *executor, op string, n int, deps []*RDD, compute func(int, func(any))) *RDD {
	return &RDD{ex: ex, op: op, n: n, deps: deps, compute: compute}
}

func materialized(ex *executor, op string, parts [][]any) *RDD {
	return &RDD{ex: ex, op: op, n: len(parts), parts: parts}
}

func (r *RDD) at(t Time) *RDD {
	r.time = t
	return r
}

// NumPartitions returns the number of partitions.
func (r *RDD) NumPartitions() int { return r.n }

// ready materializes every dependency, so tasks reading r never start nested
// parallel work, and materializes r itself when it is a shuffle or persisted.
func (r *RDD) ready() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.parts != nil || r.stored != nil || r.cols != nil {
		return
	}
	for _, d := range r.deps {
		d.ready()
	}
	if r.materialize != nil {
		parts := r.materialize()
		if r.cols != nil {
			r.compute, r.deps, r.materialize = nil, nil, nil
			r.strs, r.strInts = nil, nil
			return
		}
		r.setParts(parts)
		return
	}
	if r.persist {
		r.setParts(r.runCollect())
	}
}

func (r *RDD) setParts(parts [][]any) {
	if r.level.Serialized() && r.ex.codec != nil {
		r.stored = r.storeParts(parts)
	}
	if r.stored == nil {
		r.parts = parts
	}
	r.compute, r.deps, r.materialize = nil, nil, nil
	r.strs, r.strInts = nil, nil
}

// storeParts encodes the partitions for serialized storage, as codec.store
// does, but in parallel tasks; nil when some element cannot be encoded.
func (r *RDD) storeParts(parts [][]any) *storedBlock {
	c := r.ex.codec
	if len(parts) < 2 || r.ex.parallelism < 2 {
		return c.store(r, parts)
	}
	data := make([][]byte, len(parts))
	var failed atomic.Bool
	r.ex.run(r.op, r.time, len(parts), func(p int) {
		d, err := c.encode(parts[p])
		if err != nil {
			failed.Store(true)
			return
		}
		data[p] = d
	})
	if failed.Load() {
		return nil
	}
	return &storedBlock{codec: c, data: data}
}

// runCollect computes every partition in parallel tasks.
func (r *RDD) runCollect() [][]any {
	parts := make([][]any, r.n)
	r.ex.run(r.op, r.time, r.n, func(p int) {
		var out []any
		r.compute(p, func(x any) { out = append(out, x) })
		parts[p] = out
	})
	return parts
}

// iterate pushes partition p to emit. Call ready first.
func (r *RDD) iterate(p int, emit func(any)) {
	if r.parts != nil {
		for _, x := range r.parts[p] {
			emit(x)
		}
		return
	}
	if r.stored != nil {
		for _, x := range r.stored.partition(p) {
			emit(x)
		}
		return
	}
	if r.cols != nil {
		c := r.cols[p]
		for i := range c.Len() {
			emit(Pair{c.Key(i), c.Val(i)})
		}
		return
	}
	r.compute(p, emit)
}

// partition returns partition p as a slice. Call ready first.
func (r *RDD) partition(p int) []any {
	if r.parts != nil {
		return r.parts[p]
	}
	if r.stored != nil {
		return r.stored.partition(p)
	}
	if r.cols != nil {
		return win.Pairs[Pair](r.cols[p])
	}
	var out []any
	r.compute(p, func(x any) { out = append(out, x) })
	return out
}

// Partitions computes the RDD and returns its partitions.
func (r *RDD) Partitions() [][]any {
	r.ready()
	if r.parts != nil {
		return r.parts
	}
	if r.stored != nil || r.cols != nil {
		out := make([][]any, r.n)
		for p := range out {
			out[p] = r.partition(p)
		}
		return out
	}
	return r.runCollect()
}

// Collect returns every element, partition by partition.
func (r *RDD) Collect() []any {
	var out []any
	for _, p := range r.Partitions() {
		out = append(out, p...)
	}
	if out == nil {
		out = []any{}
	}
	return out
}

// Count returns the number of elements.
func (r *RDD) Count() int {
	r.ready()
	if r.cols != nil {
		total := 0
		for _, c := range r.cols {
			total += c.Len()
		}
		return total
	}
	counts := make([]int, r.n)
	r.ex.run("Count", r.time, r.n, func(p int) {
		c := 0
		r.iterate(p, func(any) { c++ })
		counts[p] = c
	})
	total := 0
	for _, c := range counts {
		total += c
	}
	return total
}

// Take returns the first n elements, computing partitions in order only as far
// as needed.
func (r *RDD) Take(n int) []any {
	out := []any{}
	if n <= 0 {
		return out
	}
	r.ready()
	for p := 0; p < r.n && len(out) < n; p++ {
		var part []any
		r.ex.run("Take", r.time, 1, func(int) {
			part = r.partition(p)
		})
		for _, x := range part {
			if len(out) == n {
				break
			}
			out = append(out, x)
		}
	}
	return out
}

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
	r.mu.Lock()
	defer r.mu.Unlock()
	r.persist = true
	r.level = MemoryOnlySer
	if len(level) > 0 {
		r.level = level[0]
		if r.level == None {
			r.persist = false
		}
	}
	return r
}

// Cache persists the RDD at MemoryOnly.
func (r *RDD) Cache() *RDD { return r.Persist(MemoryOnly) }

// Unpersist drops the stored partitions of a materialized, persisted RDD.
func (r *RDD) Unpersist() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stored != nil {
		r.stored.release()
	}
}

// narrow returns an RDD with r's partitioning whose partition p is f applied
// to r's partition p.
func (r *RDD) narrow(op string, f func(p int, emit func(any)) func(any)) *RDD {
	return newRDD(r.ex, op, r.n, []*RDD{r}, func(p int, emit func(any)) {
		r.iterate(p, f(p, emit))
	}).at(r.time)
}

// Map applies f, a func(T) U, to every element.
func (r *RDD) Map(f any) *RDD { return r.mapAdapted(unary("Map", f), f) }

// mapAdapted is Map with f already adapted to g; f itself picks the typed path.
func (r *RDD) mapAdapted(g func(any) any, f any) *RDD {
	out := r.narrow("Map", func(_ int, emit func(any)) func(any) {
		return func(x any) { emit(callUnary("Map", g, x)) }
	})
	out.strInts = mapStrInts(r, f)
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
	out := r.narrow("Filter", func(_ int, emit func(any)) func(any) {
		return func(x any) {
			if callPredicate("Filter", g, x) {
				emit(x)
			}
		}
	})
	out.strs = filterStrs(r, f)
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
	out := r.narrow("FlatMap", func(_ int, emit func(any)) func(any) {
		e := newExpansion()
		return func(x any) {
			for _, y := range e.expand("FlatMap", g, x) {
				emit(y)
			}
			e.done()
		}
	})
	out.strs = flatMapStrs(r, f)
	return out
}

// expansion buffers the results of a FlatMap-like call, so a panic
// downstream is not blamed on the op. One serves a whole partition: its
// buffer and collecting func are reused for every element.
type expansion struct {
	buf []any
	add func(any)
}

func newExpansion() *expansion {
	e := &expansion{}
	e.add = func(y any) { e.buf = append(e.buf, y) }
	return e
}

// expand returns g's results for x; call done once they are emitted.
func (e *expansion) expand(op string, g func(any, func(any)), x any) []any {
	e.buf = e.buf[:0]
	defer func() { guard(op, x, recover()) }()
	g(x, e.add)
	return e.buf
}

// done drops the references to the emitted results.
func (e *expansion) done() { clear(e.buf) }

// MapPartitions applies f, a func([]T) []U, to each whole partition.
func (r *RDD) MapPartitions(f any) *RDD {
	return r.mapPartitionsAdapted(partitionFunc("MapPartitions", f))
}

func (r *RDD) mapPartitionsAdapted(g func([]any) []any) *RDD {
	return newRDD(r.ex, "MapPartitions", r.n, []*RDD{r}, func(p int, emit func(any)) {
		in := r.partition(p)
		var out []any
		func() {
			defer func() { guard("MapPartitions", in, recover()) }()
			out = g(in)
		}()
		for _, y := range out {
			emit(y)
		}
	}).at(r.time)
}

// Glom turns each partition into one element, a []any.
func (r *RDD) Glom() *RDD {
	return newRDD(r.ex, "Glom", r.n, []*RDD{r}, func(p int, emit func(any)) {
		part := r.partition(p)
		if part == nil {
			part = []any{}
		}
		emit(part)
	}).at(r.time)
}

// Union returns the elements of r and others; the partitions of r come first.
func (r *RDD) Union(others ...*RDD) *RDD {
	all := append([]*RDD{r}, others...)
	return unionRDDs(r.ex, all).at(r.time)
}

func unionRDDs(ex *executor, all []*RDD) *RDD {
	type ref struct {
		r *RDD
		p int
	}
	var refs []ref
	for _, x := range all {
		for p := 0; p < x.n; p++ {
			refs = append(refs, ref{x, p})
		}
	}
	return newRDD(ex, "Union", len(refs), all, func(p int, emit func(any)) {
		refs[p].r.iterate(refs[p].p, emit)
	})
}

// Repartition redistributes the elements into n partitions, round robin.
func (r *RDD) Repartition(n int) *RDD {
	if n <= 0 {
		buildErrorf("Repartition", "want a positive number of partitions, got %d", n)
	}
	// Through the shuffle, each element keyed by its position: the i-th
	// element of input partition p goes to partition (p+i) mod n.
	const op = "Repartition"
	keyed := newRDD(r.ex, op, r.n, []*RDD{r}, func(p int, emit func(any)) {
		i := p % n
		r.iterate(p, func(x any) {
			emit(Pair{shuffle.Position(i), x})
			if i++; i == n {
				i = 0
			}
		})
	}).at(r.time)
	split := func(x any) (any, any) {
		kv := x.(Pair)
		return kv.Key, kv.Value
	}
	return shuffleRDDs(r.ex, op, n, []*RDD{keyed}, []func(any) (any, any){split}, aggregator{records: true}, recordOut).at(r.time)
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
	r.ready()
	parts := make([]action.Partial, r.n)
	fail := userFailure(op)
	r.ex.run(op, r.time, r.n, func(p int) {
		parts[p] = action.ReducePartition(func(emit func(any)) { r.iterate(p, emit) }, rd.f, fail)
	})
	return action.Reduce(parts, rd.f, fail)
}

func callReduce(op string, f func(a, b any) any, a, b any) any {
	defer func() { guard(op, b, recover()) }()
	return f(a, b)
}

// SortBy sorts the elements by the key f, a func(T) K, returns; keys are
// ints, floats or strings (or Pairs of them). The result has one partition.
func (r *RDD) SortBy(f any, ascending bool) *RDD {
	g := unary("SortBy", f)
	src := r
	out := newRDD(r.ex, "SortBy", 1, []*RDD{r}, nil).at(r.time)
	out.materialize = func() [][]any {
		var all []order.Keyed
		for _, p := range src.Partitions() {
			for _, x := range p {
				all = append(all, order.Keyed{K: callUnary("SortBy", g, x), X: x})
			}
		}
		return [][]any{order.SortBy[Pair](all, ascending)}
	}
	return out
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
