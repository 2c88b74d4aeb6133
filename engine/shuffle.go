package engine

import (
	"fmt"
	"math"
	"sync"
)

// aggregator combines the values of one key, Spark's combineByKey: create
// starts an accumulator from the first value, merge folds in another value,
// combine merges two accumulators (nil means merge also combines). When
// intFn is set, values are ints and accumulators stay unboxed; sum says
// intFn is Sum, so it is inlined. feed, when set, reads a map task's input
// through its typed path (fused.go), agreeing with the shuffle's split; it
// returns false when the input has none.
type aggregator struct {
	create  func(v any) any
	merge   func(acc, v any) any
	combine func(a, b any) any
	intFn   func(a, b int) int
	sum     bool
	feed    func(in *RDD, p int, emit func(string, int), other func(any)) bool
}

var countAggregator = aggregator{intFn: Sum, sum: true, feed: feedElems}

func pairOut(k, acc any) any { return Pair{k, acc} }

// table is an insertion-ordered hash table of key → accumulator, so the order
// of shuffle output is deterministic: keys appear in the order first met.
type table struct {
	op    string
	agg   *aggregator
	strs  map[string]int32
	anys  map[any]int32
	keys  []any    // typedKey{} where the key is the string in skeys
	skeys []string // string keys by slot ("" for other keys)
	accs  []any
	ints  []int
}

// typedKey marks a slot whose key came unboxed from a typed path; key boxes
// it only when it is output.
type typedKey struct{}

// key returns the key of slot i.
func (t *table) key(i int) any {
	if _, ok := t.keys[i].(typedKey); ok {
		return t.skeys[i]
	}
	return t.keys[i]
}

// tables recycles shuffle tables: a released table's string index and
// slices are emptied but keep their capacity, so the next batch's tables do
// not grow theirs from empty again.
var tables sync.Pool

func newTable(op string, agg *aggregator) *table {
	t, _ := tables.Get().(*table)
	if t == nil {
		t = &table{}
	}
	t.op, t.agg = op, agg
	return t
}

// release empties t and returns it to the pool; t must not be used afterwards.
func (t *table) release() {
	clear(t.strs)
	clear(t.keys)
	clear(t.skeys)
	clear(t.accs)
	t.keys, t.skeys, t.accs, t.ints = t.keys[:0], t.skeys[:0], t.accs[:0], t.ints[:0]
	t.anys, t.agg = nil, nil
	tables.Put(t)
}

// slotStr is slot for a string key s; a new slot records key, which is s
// boxed or typedKey{}.
func (t *table) slotStr(s string, key any) (int32, bool) {
	if t.strs == nil {
		t.strs = make(map[string]int32)
	}
	if i, ok := t.strs[s]; ok {
		return i, true
	}
	i := int32(len(t.keys))
	t.strs[s] = i
	t.keys = append(t.keys, key)
	t.skeys = append(t.skeys, s)
	return i, false
}

func (t *table) slot(k any) (int32, bool) {
	if s, ok := k.(string); ok {
		return t.slotStr(s, k)
	}
	if t.anys == nil {
		t.anys = make(map[any]int32)
	}
	i, ok := t.lookupAny(k)
	if ok {
		return i, true
	}
	i = int32(len(t.keys))
	t.anys[k] = i
	t.keys = append(t.keys, k)
	t.skeys = append(t.skeys, "")
	return i, false
}

func (t *table) lookupAny(k any) (i int32, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			panic(taskFailure{&Error{Op: t.op, Msg: fmt.Sprintf("key of type %s cannot be hashed: %v", typeName(k), r)}})
		}
	}()
	i, ok = t.anys[k]
	return
}

func (t *table) add(agg *aggregator, k, v any) {
	i, found := t.slot(k)
	if agg.intFn != nil {
		n, ok := v.(int)
		if !ok {
			failElem(t.op, v, "int")
		}
		if !found {
			t.ints = append(t.ints, n)
			return
		}
		if agg.sum {
			t.ints[i] += n
		} else {
			t.ints[i] = callIntReduce(t.op, agg.intFn, t.ints[i], n)
		}
		return
	}
	if !found {
		t.accs = append(t.accs, callUnary(t.op, agg.create, v))
		return
	}
	t.accs[i] = callReduce(t.op, agg.merge, t.accs[i], v)
}

func callIntReduce(op string, f func(a, b int) int, a, b int) int {
	defer func() { guard(op, b, recover()) }()
	return f(a, b)
}

// mergeTable folds another table's accumulators into t.
func (t *table) mergeTable(agg *aggregator, o *table) {
	combine := agg.combine
	if combine == nil {
		combine = agg.merge
	}
	for j, k := range o.keys {
		var i int32
		var found bool
		if _, typed := k.(typedKey); typed {
			i, found = t.slotStr(o.skeys[j], k)
		} else {
			i, found = t.slot(k)
		}
		if agg.intFn != nil {
			switch {
			case !found:
				t.ints = append(t.ints, o.ints[j])
			case agg.sum:
				t.ints[i] += o.ints[j]
			default:
				t.ints[i] = callIntReduce(t.op, agg.intFn, t.ints[i], o.ints[j])
			}
			continue
		}
		if !found {
			t.accs = append(t.accs, o.accs[j])
		} else {
			t.accs[i] = callReduce(t.op, combine, t.accs[i], o.accs[j])
		}
	}
}

func (t *table) acc(i int) any {
	if t.agg.intFn != nil {
		return t.ints[i]
	}
	return t.accs[i]
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
	res := newRDD(ex, op, n, ins, nil)
	res.materialize = func() [][]any {
		type mapTask struct {
			in    *RDD
			p     int
			split func(any) (any, any)
		}
		var tasks []mapTask
		for i, in := range ins {
			for p := 0; p < in.n; p++ {
				tasks = append(tasks, mapTask{in, p, splits[i]})
			}
		}
		buckets := make([][]*table, len(tasks))
		ex.run(op, res.time, len(tasks), func(m int) {
			task := tasks[m]
			tables := make([]*table, n)
			for q := range tables {
				tables[q] = newTable(op, &agg)
			}
			split := task.split
			generic := func(x any) {
				k, v := split(x)
				tables[partitionOf(k, n)].add(&agg, k, v)
			}
			if agg.feed == nil || !agg.feed(task.in, task.p, func(k string, v int) {
				tables[partitionOfString(k, n)].addStrInt(&agg, k, v)
			}, generic) {
				task.in.iterate(task.p, generic)
			}
			buckets[m] = tables
		})
		parts := make([][]any, n)
		ex.run(op, res.time, n, func(q int) {
			// The first map task's table is the base: merging into it keeps
			// keys in the order first met, as merging into an empty one does.
			var t *table
			for m := range buckets {
				if t == nil {
					t = buckets[m][q]
				} else {
					t.mergeTable(&agg, buckets[m][q])
					buckets[m][q].release()
				}
				buckets[m][q] = nil
			}
			if t == nil {
				t = newTable(op, &agg)
			}
			part := make([]any, len(t.keys))
			for i := range t.keys {
				part[i] = out(t.key(i), t.acc(i))
			}
			parts[q] = part
			t.release()
		})
		return parts
	}
	return res
}

// partitionOf is the hash partitioner: the partition of key k among n.
func partitionOf(k any, n int) int {
	if n == 1 {
		return 0
	}
	return int(hashKey(k) % uint64(n))
}

// partitionOfString is partitionOf for a string key.
func partitionOfString(k string, n int) int {
	if n == 1 {
		return 0
	}
	return int(fnv(k) % uint64(n))
}

// hashKey is a deterministic hash, so partitioning (and hence output order)
// is the same on every run and after recovery.
func hashKey(k any) uint64 {
	switch x := k.(type) {
	case string:
		return fnv(x)
	case int:
		return mix(uint64(x))
	case int64:
		return mix(uint64(x))
	case int32:
		return mix(uint64(x))
	case uint64:
		return mix(x)
	case uint:
		return mix(uint64(x))
	case bool:
		if x {
			return mix(1)
		}
		return mix(0)
	case float64:
		return mix(math.Float64bits(x))
	case Pair:
		return hashKey(x.Key)*31 + hashKey(x.Value)
	case Time:
		return mix(uint64(x))
	case nil:
		return 0
	}
	return fnv(fmt.Sprintf("%T:%v", k, k))
}

func fnv(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return mix(h)
}

func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

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
		return aggregator{intFn: rd.intFn, sum: rd.sum, feed: feedPairs}
	}
	return aggregator{create: func(v any) any { return v }, merge: rd.f}
}

func groupAggregator() aggregator {
	return aggregator{
		create:  func(v any) any { return []any{v} },
		merge:   func(acc, v any) any { return append(acc.([]any), v) },
		combine: func(a, b any) any { return append(a.([]any), b.([]any)...) },
	}
}

// ReduceByKey merges the values of each key with f, a func(a, b V) V.
func (r *RDD) ReduceByKey(f any, opts ...OpOption) *RDD {
	o := r.ex.opOptions("ReduceByKey", opts)
	rd := newReducer("ReduceByKey", f)
	return r.shuffle("ReduceByKey", o.numTasks, pairSplit("ReduceByKey"), reduceAggregator(rd), pairOut)
}

// GroupByKey groups the values of each key: (k, []any).
func (r *RDD) GroupByKey(opts ...OpOption) *RDD {
	o := r.ex.opOptions("GroupByKey", opts)
	return r.shuffle("GroupByKey", o.numTasks, pairSplit("GroupByKey"), groupAggregator(), pairOut)
}

// MapValues applies f, a func(V) W, to the value of every pair.
func (r *RDD) MapValues(f any) *RDD {
	g := unary("MapValues", f)
	split := pairSplit("MapValues")
	return r.narrow("MapValues", func(_ int, emit func(any)) func(any) {
		return func(x any) {
			k, v := split(x)
			emit(Pair{k, callUnary("MapValues", g, v)})
		}
	})
}

// FlatMapValues applies f, a func(V) []W, to every value and pairs each
// result with the key.
func (r *RDD) FlatMapValues(f any) *RDD {
	g := expander("FlatMapValues", f)
	split := pairSplit("FlatMapValues")
	return r.narrow("FlatMapValues", func(_ int, emit func(any)) func(any) {
		e := newExpansion()
		return func(x any) {
			k, v := split(x)
			for _, w := range e.expand("FlatMapValues", g, v) {
				emit(Pair{k, w})
			}
			e.done()
		}
	})
}

// cogroupAcc holds the values of one key from each side of a cogroup.
type cogroupAcc struct{ left, right []any }

// Cogroup groups both RDDs by key: (k, ([]v, []w)).
func (r *RDD) Cogroup(other *RDD, opts ...OpOption) *RDD {
	o := r.ex.opOptions("Cogroup", opts)
	return cogroup("Cogroup", r, other, o.numTasks, func(k any, a *cogroupAcc, emit func(any)) {
		emit(Pair{k, Pair{nonNil(a.left), nonNil(a.right)}})
	})
}

func nonNil(xs []any) []any {
	if xs == nil {
		return []any{}
	}
	return xs
}

type tagged struct {
	side int
	v    any
}

func cogroup(op string, left, right *RDD, n int, emit func(k any, a *cogroupAcc, emit func(any))) *RDD {
	split := pairSplit(op)
	tag := func(side int) func(any) (any, any) {
		return func(x any) (any, any) {
			k, v := split(x)
			return k, tagged{side, v}
		}
	}
	add := func(a *cogroupAcc, v any) *cogroupAcc {
		t := v.(tagged)
		if t.side == 0 {
			a.left = append(a.left, t.v)
		} else {
			a.right = append(a.right, t.v)
		}
		return a
	}
	agg := aggregator{
		create: func(v any) any { return add(&cogroupAcc{}, v) },
		merge:  func(acc, v any) any { return add(acc.(*cogroupAcc), v) },
		combine: func(a, b any) any {
			x, y := a.(*cogroupAcc), b.(*cogroupAcc)
			x.left = append(x.left, y.left...)
			x.right = append(x.right, y.right...)
			return x
		},
	}
	grouped := shuffleRDDs(left.ex, op, n, []*RDD{left, right}, []func(any) (any, any){tag(0), tag(1)}, agg, pairOut).at(left.time)
	return newRDD(left.ex, op, grouped.n, []*RDD{grouped}, func(p int, out func(any)) {
		grouped.iterate(p, func(x any) {
			kv := x.(Pair)
			emit(kv.Key, kv.Value.(*cogroupAcc), out)
		})
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
	return cogroup(op, r, other, o.numTasks, func(k any, a *cogroupAcc, emit func(any)) {
		left, right := a.left, a.right
		if len(left) == 0 && keepRight {
			left = []any{nil}
		}
		if len(right) == 0 && keepLeft {
			right = []any{nil}
		}
		for _, v := range left {
			for _, w := range right {
				emit(Pair{k, Pair{v, w}})
			}
		}
	})
}
