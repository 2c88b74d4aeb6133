package rdd

import (
	"github.com/gostream/gostream/engine/internal/action"
	"github.com/gostream/gostream/engine/internal/order"
)

// The actions over a Data: each partition's work (engine/internal/action,
// engine/internal/order) in a task run by run, after Ready, and the
// partitions' results merged in partition order. User functions are called
// directly, a panic handed to fail with the element; fail, notNumber and
// notPair must not return.

// each is the elements of partition p, pushed in order.
func (d *Data[P]) each(p int) func(func(any)) {
	return func(emit func(any)) { d.Iterate(p, emit) }
}

// Collect returns every element, partition by partition ([] when none).
func (d *Data[P]) Collect() []any {
	var out []any
	for _, p := range d.Partitions() {
		out = append(out, p...)
	}
	if out == nil {
		out = []any{}
	}
	return out
}

// Reduce combines the elements with f; false when there are none.
func (d *Data[P]) Reduce(run func(n int, task func(p int)), f func(a, b any) any, fail func(r, x any)) (any, bool) {
	parts := Each(d, run, func(p int) action.Partial { return action.ReducePartition(d.each(p), f, fail) })
	return action.Reduce(parts, f, fail)
}

// Fold folds every partition into zero with seq, then the partitions'
// results into zero with comb.
func (d *Data[P]) Fold(run func(n int, task func(p int)), zero any, seq, comb func(a, b any) any, fail func(r, x any)) any {
	accs := Each(d, run, func(p int) any { return action.FoldPartition(d.each(p), zero, seq, fail) })
	return action.Fold(accs, zero, comb, fail)
}

// Stats is the numeric statistics of the elements, number converting
// each; notNumber is called with one that is not a number.
func (d *Data[P]) Stats(run func(n int, task func(p int)), number func(any) (float64, bool), notNumber func(x any)) action.Stats {
	parts := Each(d, run, func(p int) action.Stats { return action.StatsPartition(d.each(p), number, notNumber) })
	var all action.Stats
	for _, s := range parts {
		all.Merge(s)
	}
	return all
}

// Lookup returns the values of the pairs whose key equals key
// (action.EqualKeys with cmp), in partition order ([] when none).
func (d *Data[P]) Lookup(run func(n int, task func(p int)), key any, cmp func(a, b any) int, notPair func(x any)) []any {
	found := Each(d, run, func(p int) (vs []any) {
		d.Iterate(p, func(x any) {
			if kv := split[P](x, notPair); action.EqualKeys(kv.Key, key, cmp) {
				vs = append(vs, kv.Value)
			}
		})
		return vs
	})
	out := []any{}
	for _, vs := range found {
		out = append(out, vs...)
	}
	return out
}

// Smallest returns the n smallest elements by c, in order: each task keeps
// the n smallest of its partition (order.Least), and they are merged.
func (d *Data[P]) Smallest(run func(n int, task func(p int)), n int, c func(a, b any) int) []any {
	if n == 0 {
		return []any{}
	}
	least := Each(d, run, func(p int) []any { return order.Least(d.each(p), n, c) })
	return order.Smallest(least, n, c)
}

// AsMap returns the pairs as a map of key to value, the last of a key's
// pairs in partition order winning; badKey is called, and must not
// return, with a key that cannot be a map key and the runtime's panic.
func (d *Data[P]) AsMap(notPair func(x any), badKey func(k, r any)) map[any]any {
	out := make(map[any]any)
	for _, x := range d.Collect() {
		kv := split[P](x, notPair)
		func() {
			defer func() {
				if r := recover(); r != nil {
					badKey(kv.Key, r)
				}
			}()
			out[kv.Key] = kv.Value
		}()
	}
	return out
}

// IntsByKey returns pairs of an int value (a count per key) as a map.
func (d *Data[P]) IntsByKey() map[any]int {
	out := make(map[any]int)
	for _, x := range d.Collect() {
		kv := struct{ Key, Value any }(x.(P))
		out[kv.Key] = kv.Value.(int)
	}
	return out
}

// CountOne is the materialize of one partition holding d's number of
// elements.
func (d *Data[P]) CountOne(run func(n int, task func(p int))) func() [][]any {
	return func() [][]any { return [][]any{{d.Count(run)}} }
}

// ReduceOne is the materialize of one partition holding d's elements
// reduced with f, empty when d has none.
func (d *Data[P]) ReduceOne(run func(n int, task func(p int)), f func(a, b any) any, fail func(r, x any)) func() [][]any {
	return func() [][]any {
		if v, ok := d.Reduce(run, f, fail); ok {
			return [][]any{{v}}
		}
		return [][]any{nil}
	}
}

// Foreach calls f with every element, in a task per partition run by run.
func (d *Data[P]) Foreach(run func(n int, task func(p int)), f func(any), fail func(r, x any)) {
	d.Ready()
	run(d.N, func(p int) {
		d.Iterate(p, func(x any) {
			defer func() {
				if r := recover(); r != nil {
					fail(r, x)
				}
			}()
			f(x)
		})
	})
}

// ForeachPartition calls f with every whole partition, in a task each run
// by run; a panic of f is handed to fail with the partition.
func (d *Data[P]) ForeachPartition(run func(n int, task func(p int)), f func([]any), fail func(r, part any)) {
	d.Ready()
	run(d.N, func(p int) {
		part := d.Partition(p)
		defer func() {
			if r := recover(); r != nil {
				fail(r, part)
			}
		}()
		f(part)
	})
}
