package rdd

import (
	"github.com/gostream/gostream/engine/internal/order"
	"github.com/gostream/gostream/engine/internal/shuffle"
)

// The computes and materializes of the RDD operations that move whole
// partitions or elements without user functions per element: the caller
// builds its Data from them with New. User functions come in guarded or
// with the fail their panic is handed to; fail must not return.

// Union is the compute of the partitions of all, in order, and their
// number.
func Union[P ~struct{ Key, Value any }](all []*Data[P]) (int, func(p int, emit func(any))) {
	type ref struct {
		d *Data[P]
		p int
	}
	var refs []ref
	for _, d := range all {
		for p := range d.N {
			refs = append(refs, ref{d, p})
		}
	}
	return len(refs), func(p int, emit func(any)) { refs[p].d.Iterate(refs[p].p, emit) }
}

// Whole is the compute whose partition p is f(p, d's partition p), a
// panic of f handed to fail with the partition.
func (d *Data[P]) Whole(f func(p int, part []any) []any, fail func(r, part any)) func(p int, emit func(any)) {
	return func(p int, emit func(any)) {
		in := d.Partition(p)
		var out []any
		func() {
			defer func() {
				if r := recover(); r != nil {
					fail(r, in)
				}
			}()
			out = f(p, in)
		}()
		for _, y := range out {
			emit(y)
		}
	}
}

// Glom is the compute whose partition p is one element, d's partition p
// as a []any.
func (d *Data[P]) Glom() func(p int, emit func(any)) {
	return func(p int, emit func(any)) {
		part := d.Partition(p)
		if part == nil {
			part = []any{}
		}
		emit(part)
	}
}

// Cartesian is the compute of the pairs (a, b) of d's and other's
// elements: partition i·m+j pairs d's partition i with other's partition
// j, m being other's number of partitions.
func (d *Data[P]) Cartesian(other *Data[P]) func(p int, emit func(any)) {
	m := other.N
	return func(p int, emit func(any)) {
		right := other.Partition(p % m)
		d.Iterate(p/m, func(a any) {
			for _, b := range right {
				emit(P(struct{ Key, Value any }{a, b}))
			}
		})
	}
}

// Positions is the compute of d's elements keyed for a round robin over n
// partitions: the i-th element of partition p is the pair
// (shuffle.Position((p+i) mod n), element).
func (d *Data[P]) Positions(n int) func(p int, emit func(any)) {
	return func(p int, emit func(any)) {
		i := p % n
		d.Iterate(p, func(x any) {
			emit(P(struct{ Key, Value any }{shuffle.Position(i), x}))
			if i++; i == n {
				i = 0
			}
		})
	}
}

// ZipWithIndex is the materialize of d's elements paired with their
// index in d's order, partition by partition: (x, 0), (y, 1), ...
func (d *Data[P]) ZipWithIndex() func() [][]any {
	return func() [][]any {
		parts := d.Partitions()
		res := make([][]any, len(parts))
		i := 0
		for p, part := range parts {
			zipped := make([]any, len(part))
			for j, x := range part {
				zipped[j] = P(struct{ Key, Value any }{x, i})
				i++
			}
			res[p] = zipped
		}
		return res
	}
}

// SortBy is the materialize of d's elements in one partition, sorted
// stably by the key key gives each (order.SortBy).
func (d *Data[P]) SortBy(key func(x any) any, ascending bool) func() [][]any {
	return func() [][]any {
		var all []order.Keyed
		for _, p := range d.Partitions() {
			for _, x := range p {
				all = append(all, order.Keyed{K: key(x), X: x})
			}
		}
		return [][]any{order.SortBy[P](all, ascending)}
	}
}

// SortByKey is the materialize of d's pairs sorted stably by key in c's
// order, range partitioned into n partitions: each of d's partitions is
// sorted in a task run by run, and the runs merged. notPair is called
// with an element that is not a P; it must not return.
func (d *Data[P]) SortByKey(run func(n int, task func(p int)), c func(a, b any) int, n int, notPair func(x any)) func() [][]any {
	return func() [][]any {
		runs := make([][]order.Keyed, d.N)
		run(d.N, func(p int) {
			var keyed []order.Keyed
			d.Iterate(p, func(x any) {
				kv, ok := x.(P)
				if !ok {
					notPair(x)
				}
				keyed = append(keyed, order.Keyed{K: struct{ Key, Value any }(kv).Key, X: x})
			})
			order.SortRun(keyed, c)
			runs[p] = keyed
		})
		return order.RangeParts(order.MergeRuns(runs, c), n, c)
	}
}

// Each runs f for every partition of d, ready first, in a task each run
// by run, and returns the results in partition order.
func Each[P ~struct{ Key, Value any }, T any](d *Data[P], run func(n int, task func(p int)), f func(p int) T) []T {
	d.Ready()
	out := make([]T, d.N)
	run(d.N, func(p int) { out[p] = f(p) })
	return out
}
