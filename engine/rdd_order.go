package engine

import (
	"cmp"
	"fmt"
	"github.com/gostream/gostream/engine/internal/num"
	"slices"
)

// Ordering overrides the natural order of Top, TakeOrdered, Max, Min and
// SortByKey with less, a func(a, b T) bool that reports whether a sorts
// before b (Spark's implicit Ordering): Top(3, engine.Ordering(func(a, b
// engine.Pair) bool { return a.Value.(int) < b.Value.(int) })) is the three
// pairs with the largest values. For SortByKey, T is the key's type.
func Ordering(less any) OpOption {
	return func(o *opOptions) { o.ordering = less; o.given = append(o.given, "Ordering") }
}

// comparator returns the order of op: Ordering's less when given, the
// natural order otherwise.
func comparator(op string, o opOptions) func(a, b any) int {
	if o.ordering == nil {
		return compareNatural
	}
	less := lessFunc(op, o.ordering)
	return func(a, b any) int {
		defer func() { guard(op, a, recover()) }()
		switch {
		case less(a, b):
			return -1
		case less(b, a):
			return 1
		}
		return 0
	}
}

// compareNatural is the natural order of elements: numbers by value (ints,
// uints and floats compare with each other), strings, false before true,
// Times, Pairs by key then value, nil first; values of other types compare
// by their printed form.
func compareNatural(a, b any) int {
	switch x := a.(type) {
	case int:
		if y, ok := b.(int); ok {
			return cmp.Compare(x, y)
		}
	case string:
		if y, ok := b.(string); ok {
			return cmp.Compare(x, y)
		}
	case Pair:
		if y, ok := b.(Pair); ok {
			if c := compareNatural(x.Key, y.Key); c != 0 {
				return c
			}
			return compareNatural(x.Value, y.Value)
		}
	case bool:
		if y, ok := b.(bool); ok {
			return cmp3(!x && y, x && !y)
		}
	case nil:
		if b == nil {
			return 0
		}
		return -1
	}
	if b == nil {
		return 1
	}
	if x, ok := num.Signed[Time](a); ok {
		if y, ok := num.Signed[Time](b); ok {
			return cmp.Compare(x, y)
		}
	}
	if x, ok := num.Unsigned(a); ok {
		if y, ok := num.Unsigned(b); ok {
			return cmp.Compare(x, y)
		}
	}
	if x, ok := numberOf(a); ok {
		if y, ok := numberOf(b); ok {
			return cmp.Compare(x, y)
		}
	}
	sa, sb := fmt.Sprint(a), fmt.Sprint(b)
	return cmp.Compare(sa, sb)
}

// numberOf returns x as a float64 when it is a number of any Go kind.
func numberOf(x any) (float64, bool) {
	switch n := x.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	}
	if i, ok := num.Signed[Time](x); ok {
		return float64(i), true
	}
	if u, ok := num.Unsigned(x); ok {
		return float64(u), true
	}
	return 0, false
}

// TakeOrdered(n, opts...) returns the n smallest elements in ascending
// order: natural order (numbers, strings, Pairs by key then value), or
// engine.Ordering(less). Fewer when the RDD has fewer elements. Spark's
// takeOrdered.
func (r *RDD) TakeOrdered(n int, opts ...OpOption) []any {
	const op = "TakeOrdered"
	o := r.ex.opOptions(op, opts, "Ordering")
	return r.smallest(op, n, comparator(op, o))
}

// Top(n, opts...) returns the n largest elements in descending order:
// natural order, or engine.Ordering(less) (the largest by less). Fewer when
// the RDD has fewer elements. Spark's top.
func (r *RDD) Top(n int, opts ...OpOption) []any {
	const op = "Top"
	o := r.ex.opOptions(op, opts, "Ordering")
	c := comparator(op, o)
	return r.smallest(op, n, func(a, b any) int { return c(b, a) })
}

// smallest returns the n smallest elements by c, in order: each task keeps
// the n smallest of its partition in a bounded heap, and the driver merges
// them.
func (r *RDD) smallest(op string, n int, c func(a, b any) int) []any {
	if n < 0 {
		buildErrorf(op, "want a non-negative number of elements, got %d", n)
	}
	out := []any{}
	if n == 0 {
		return out
	}
	r.ready()
	heaps := make([][]any, r.n)
	r.ex.run(op, r.time, r.n, func(p int) {
		h := boundedHeap{n: n, cmp: c}
		r.iterate(p, h.add)
		heaps[p] = h.xs
	})
	for _, h := range heaps {
		out = append(out, h...)
	}
	slices.SortStableFunc(out, c)
	if len(out) > n {
		clear(out[n:])
		out = out[:n]
	}
	return out
}

// boundedHeap keeps the n smallest elements it is given, as a max-heap.
type boundedHeap struct {
	n   int
	cmp func(a, b any) int
	xs  []any
}

func (h *boundedHeap) add(x any) {
	if len(h.xs) < h.n {
		h.xs = append(h.xs, x)
		for i := len(h.xs) - 1; i > 0; {
			parent := (i - 1) / 2
			if h.cmp(h.xs[i], h.xs[parent]) <= 0 {
				break
			}
			h.xs[i], h.xs[parent] = h.xs[parent], h.xs[i]
			i = parent
		}
		return
	}
	if h.cmp(x, h.xs[0]) >= 0 {
		return
	}
	h.xs[0] = x
	for i := 0; ; {
		big := i
		if l := 2*i + 1; l < len(h.xs) && h.cmp(h.xs[l], h.xs[big]) > 0 {
			big = l
		}
		if rt := 2*i + 2; rt < len(h.xs) && h.cmp(h.xs[rt], h.xs[big]) > 0 {
			big = rt
		}
		if big == i {
			return
		}
		h.xs[i], h.xs[big] = h.xs[big], h.xs[i]
		i = big
	}
}

// Max(opts...) returns the largest element by natural order or
// engine.Ordering(less); nil when the RDD is empty. Spark's max.
func (r *RDD) Max(opts ...OpOption) any {
	const op = "Max"
	o := r.ex.opOptions(op, opts, "Ordering")
	c := comparator(op, o)
	return first(r.smallest(op, 1, func(a, b any) int { return c(b, a) }))
}

// Min(opts...) returns the smallest element by natural order or
// engine.Ordering(less); nil when the RDD is empty. Spark's min.
func (r *RDD) Min(opts ...OpOption) any {
	const op = "Min"
	o := r.ex.opOptions(op, opts, "Ordering")
	return first(r.smallest(op, 1, comparator(op, o)))
}

func first(xs []any) any {
	if len(xs) == 0 {
		return nil
	}
	return xs[0]
}

// SortByKey(ascending, opts...) sorts an RDD of Pairs by key: ascending
// true puts the smallest key first, false the largest. Keys compare in
// natural order (numbers, strings, Pairs) or by engine.Ordering(less) on
// keys; pairs with equal keys keep their order. The result is range
// partitioned, as Spark's: NumTasks(n) partitions (default: as many as the
// input), each a contiguous run of the order, a key never split between two,
// so Collect returns the whole sorted sequence. Spark's sortByKey.
func (r *RDD) SortByKey(ascending bool, opts ...OpOption) *RDD {
	const op = "SortByKey"
	o := r.ex.opOptions(op, opts, "NumTasks", "Ordering")
	n := r.n
	if slices.Contains(o.given, "NumTasks") {
		n = o.numTasks
	}
	c := comparator(op, o)
	if !ascending {
		asc := c
		c = func(a, b any) int { return asc(b, a) }
	}
	src := r
	out := newRDD(r.ex, op, max(n, 1), []*RDD{r}, nil).at(r.time)
	out.materialize = func() [][]any {
		runs := make([][]keyed, src.n)
		src.ex.run(op, src.time, src.n, func(p int) {
			var run []keyed
			src.iterate(p, func(x any) {
				kv, ok := x.(Pair)
				if !ok {
					failElem(op, x, "engine.Pair")
				}
				run = append(run, keyed{kv.Key, x})
			})
			slices.SortStableFunc(run, func(a, b keyed) int { return c(a.k, b.k) })
			runs[p] = run
		})
		return rangeParts(mergeRuns(runs, c), out.n, c)
	}
	return out
}

// keyed is an element with its sort key.
type keyed struct{ k, x any }

// mergeRuns merges sorted runs into one sorted sequence; on equal keys the
// earlier run comes first, so the merge is stable.
func mergeRuns(runs [][]keyed, c func(a, b any) int) []keyed {
	for len(runs) > 1 {
		var next [][]keyed
		for i := 0; i < len(runs); i += 2 {
			if i+1 == len(runs) {
				next = append(next, runs[i])
				continue
			}
			a, b := runs[i], runs[i+1]
			m := make([]keyed, 0, len(a)+len(b))
			for len(a) > 0 && len(b) > 0 {
				if c(b[0].k, a[0].k) < 0 {
					m, b = append(m, b[0]), b[1:]
				} else {
					m, a = append(m, a[0]), a[1:]
				}
			}
			next = append(next, append(append(m, a...), b...))
		}
		runs = next
	}
	if len(runs) == 0 {
		return nil
	}
	return runs[0]
}

// rangeParts cuts a sorted sequence into n contiguous partitions of about
// equal size, moving each cut past a run of equal keys.
func rangeParts(all []keyed, n int, c func(a, b any) int) [][]any {
	parts := make([][]any, n)
	start := 0
	for p := range n {
		end := (p + 1) * len(all) / n
		if p == n-1 {
			end = len(all)
		}
		end = max(end, start)
		for end > start && end < len(all) && c(all[end-1].k, all[end].k) == 0 {
			end++
		}
		part := make([]any, end-start)
		for i := range part {
			part[i] = all[start+i].x
		}
		parts[p] = part
		start = end
	}
	return parts
}
