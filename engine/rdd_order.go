package engine

import (
	"slices"

	"github.com/gostream/gostream/engine/internal/order"
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
	return order.FromLess(lessFunc(op, o.ordering), userFailure(op))
}

// compareNatural is the natural order of elements: numbers by value (ints,
// uints and floats compare with each other), strings, false before true,
// Times, Pairs by key then value, nil first; values of other types compare
// by their printed form.
func compareNatural(a, b any) int { return order.Natural[Pair, Time](a, b) }

// numberOf returns x as a float64 when it is a number of any Go kind.
func numberOf(x any) (float64, bool) { return order.Number[Time](x) }

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
	return r.smallest(op, n, order.Reverse(comparator(op, o)))
}

// smallest returns the n smallest elements by c, in order: each task keeps
// the n smallest of its partition, and the driver merges them.
func (r *RDD) smallest(op string, n int, c func(a, b any) int) []any {
	if n < 0 {
		buildErrorf(op, "want a non-negative number of elements, got %d", n)
	}
	return r.d.Smallest(r.tasks(op), n, c)
}

// Max(opts...) returns the largest element by natural order or
// engine.Ordering(less); nil when the RDD is empty. Spark's max.
func (r *RDD) Max(opts ...OpOption) any {
	const op = "Max"
	o := r.ex.opOptions(op, opts, "Ordering")
	return first(r.smallest(op, 1, order.Reverse(comparator(op, o))))
}

// Min(opts...) returns the smallest element by natural order or
// engine.Ordering(less); nil when the RDD is empty. Spark's min.
func (r *RDD) Min(opts ...OpOption) any {
	const op = "Min"
	o := r.ex.opOptions(op, opts, "Ordering")
	return first(r.smallest(op, 1, comparator(op, o)))
}

// tasksOr is NumTasks when given, else n.
func (o opOptions) tasksOr(n int) int {
	if slices.Contains(o.given, "NumTasks") {
		return o.numTasks
	}
	return n
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
	n := o.tasksOr(r.n)
	c := comparator(op, o)
	if !ascending {
		c = order.Reverse(c)
	}
	n = max(n, 1)
	return r.materializedBy(op, n, r.d.SortByKey(r.tasks(op), c, n, notPair(op)))
}
