package rdd

import (
	"sync"

	"github.com/gostream/gostream/engine/internal/fused"
	win "github.com/gostream/gostream/engine/internal/window"
)

// Data is an RDD's partitions, P the caller's pair type.
type Data[P ~struct{ Key, Value any }] struct {
	N int // the number of partitions

	// Compute pushes partition p's elements to emit; nil once materialized.
	Compute func(p int, emit func(any))
	// Deps must be materialized before the Data's tasks run: shuffle
	// inputs and persisted ancestors.
	Deps []*Data[P]
	// Materialize, when set, computes all partitions at once (shuffles).
	Materialize func() [][]any
	// Strs and StrInts, when set, are typed forms of Compute: they push
	// the same elements in the same order without boxing them. Both are
	// nil once materialized.
	Strs    fused.Strs
	StrInts fused.StrInts
	// ColsOut asks a shuffle with an int aggregator to materialize into
	// Cols when every key is a string; Cols, when set, holds the
	// partitions, and no elements or blocks are kept.
	ColsOut bool
	Cols    []*win.Cols

	env *Env
	run func(n int, task func(p int))

	mu         sync.Mutex
	parts      [][]any
	stored     *block
	persist    bool
	serialized bool
}

// New returns a lazy Data of n partitions computed by compute after deps;
// run runs its tasks.
func New[P ~struct{ Key, Value any }](env *Env, run func(n int, task func(p int)), n int, deps []*Data[P], compute func(int, func(any))) *Data[P] {
	return &Data[P]{env: env, run: run, N: n, Deps: deps, Compute: compute}
}

// Of returns a Data materialized already as parts.
func Of[P ~struct{ Key, Value any }](env *Env, run func(n int, task func(p int)), parts [][]any) *Data[P] {
	return &Data[P]{env: env, run: run, N: len(parts), parts: parts}
}

// Persist marks the Data to be kept once computed (on), its partitions
// encoded when serialized.
func (d *Data[P]) Persist(on, serialized bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.persist, d.serialized = on, serialized
}

// Unpersist drops the stored blocks of a materialized, persisted Data.
func (d *Data[P]) Unpersist() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stored != nil {
		d.stored.release()
	}
}

// Materialized reports whether the Data holds its partitions, with its
// compute, dependencies and typed paths dropped.
func (d *Data[P]) Materialized() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return (d.parts != nil || d.stored != nil || d.Cols != nil) && d.Compute == nil && d.Deps == nil && d.Materialize == nil
}

// Ready materializes every dependency, then the Data itself when it has a
// Materialize or is persisted.
func (d *Data[P]) Ready() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.parts != nil || d.stored != nil || d.Cols != nil {
		return
	}
	for _, dep := range d.Deps {
		dep.Ready()
	}
	if d.Materialize != nil {
		parts := d.Materialize()
		if d.Cols != nil {
			d.drop()
			return
		}
		d.set(parts)
		return
	}
	if d.persist {
		d.set(d.collect())
	}
}

func (d *Data[P]) set(parts [][]any) {
	if c := d.env.Codec; d.serialized && c != nil {
		if len(parts) < 2 || !d.env.Parallel() {
			d.stored = c.store(parts)
		} else {
			d.stored = c.storeParallel(parts, d.run)
		}
	}
	if d.stored == nil {
		d.parts = parts
	}
	d.drop()
}

func (d *Data[P]) drop() {
	d.Compute, d.Deps, d.Materialize = nil, nil, nil
	d.Strs, d.StrInts = nil, nil
}

// collect computes every partition in parallel tasks.
func (d *Data[P]) collect() [][]any {
	parts := make([][]any, d.N)
	d.run(d.N, func(p int) {
		var out []any
		d.Compute(p, func(x any) { out = append(out, x) })
		parts[p] = out
	})
	return parts
}

// Iterate pushes partition p to emit.
func (d *Data[P]) Iterate(p int, emit func(any)) {
	if d.parts != nil {
		for _, x := range d.parts[p] {
			emit(x)
		}
		return
	}
	if d.stored != nil {
		for _, x := range d.stored.partition(p) {
			emit(x)
		}
		return
	}
	if d.Cols != nil {
		c := d.Cols[p]
		for i := range c.Len() {
			emit(P(struct{ Key, Value any }{c.Key(i), c.Val(i)}))
		}
		return
	}
	d.Compute(p, emit)
}

// Partition returns partition p as a slice.
func (d *Data[P]) Partition(p int) []any {
	if d.parts != nil {
		return d.parts[p]
	}
	if d.stored != nil {
		return d.stored.partition(p)
	}
	if d.Cols != nil {
		return win.Pairs[P](d.Cols[p])
	}
	var out []any
	d.Compute(p, func(x any) { out = append(out, x) })
	return out
}

// Partitions computes the Data and returns its partitions.
func (d *Data[P]) Partitions() [][]any {
	d.Ready()
	if d.parts != nil {
		return d.parts
	}
	if d.stored != nil || d.Cols != nil {
		out := make([][]any, d.N)
		for p := range out {
			out[p] = d.Partition(p)
		}
		return out
	}
	return d.collect()
}

// Count returns the number of elements, counting partitions in tasks run
// by run unless the Data is in columns.
func (d *Data[P]) Count(run func(n int, task func(p int))) int {
	d.Ready()
	total := 0
	if d.Cols != nil {
		for _, c := range d.Cols {
			total += c.Len()
		}
		return total
	}
	counts := make([]int, d.N)
	run(d.N, func(p int) {
		c := 0
		d.Iterate(p, func(any) { c++ })
		counts[p] = c
	})
	for _, c := range counts {
		total += c
	}
	return total
}

// Take returns the first n elements, computing partitions in order, each
// in a task run by run, only as far as needed.
func (d *Data[P]) Take(n int, run func(n int, task func(p int))) []any {
	out := []any{}
	if n <= 0 {
		return out
	}
	d.Ready()
	for p := 0; p < d.N && len(out) < n; p++ {
		var part []any
		run(1, func(int) { part = d.Partition(p) })
		for _, x := range part {
			if len(out) == n {
				break
			}
			out = append(out, x)
		}
	}
	return out
}

// EachString is d's elements as strings: its typed path while it has one
// (it has none once materialized), else its elements, any that is not a
// string handed to notString, which must not return.
func (d *Data[P]) EachString(notString func(x any)) fused.Strs {
	return func(p int, emit func(string)) {
		if d.Strs != nil {
			d.Strs(p, emit)
			return
		}
		d.Iterate(p, func(x any) {
			s, ok := x.(string)
			if !ok {
				notString(x)
			}
			emit(s)
		})
	}
}
