package rdd

import (
	"github.com/gostream/gostream/engine/internal/exec"
	"github.com/gostream/gostream/engine/internal/sample"
)

// The computes of the narrow transformations: partition p of the result is
// d's partition p with a function applied element by element, in the task
// that reads it. User functions are called directly, one call per element,
// a panic handed to fail with the element; fail and notPair must not
// return.

// Narrow is the compute whose partition p is d's partition p pushed
// through step(p, emit), the element function of that partition.
func (d *Data[P]) Narrow(step func(p int, emit func(any)) func(any)) func(p int, emit func(any)) {
	return func(p int, emit func(any)) { d.Iterate(p, step(p, emit)) }
}

// Apply returns f(x), a panic of f handed to fail with x.
func Apply(f func(any) any, x any, fail func(r, x any)) any {
	defer func() {
		if r := recover(); r != nil {
			fail(r, x)
		}
	}()
	return f(x)
}

// Test returns f(x), a panic of f handed to fail with x.
func Test(f func(any) bool, x any, fail func(r, x any)) bool {
	defer func() {
		if r := recover(); r != nil {
			fail(r, x)
		}
	}()
	return f(x)
}

// Map is the compute of f(x) for every element x.
func (d *Data[P]) Map(f func(any) any, fail func(r, x any)) func(p int, emit func(any)) {
	return d.Narrow(func(_ int, emit func(any)) func(any) {
		return func(x any) { emit(Apply(f, x, fail)) }
	})
}

// Filter is the compute of the elements f keeps.
func (d *Data[P]) Filter(f func(any) bool, fail func(r, x any)) func(p int, emit func(any)) {
	return d.Narrow(func(_ int, emit func(any)) func(any) {
		return func(x any) {
			if Test(f, x, fail) {
				emit(x)
			}
		}
	})
}

// FlatMap is the compute of what f emits for every element, buffered per
// element (exec.Expansion) so a panic downstream is not blamed on f.
func (d *Data[P]) FlatMap(f func(any, func(any)), fail func(r, x any)) func(p int, emit func(any)) {
	return d.Narrow(func(_ int, emit func(any)) func(any) {
		e := exec.NewExpansion()
		return func(x any) {
			for _, y := range e.Expand(f, x, fail) {
				emit(y)
			}
			e.Done()
		}
	})
}

// Keys is the compute of the key of every pair; notPair is called with an
// element that is not a P.
func (d *Data[P]) Keys(notPair func(x any)) func(p int, emit func(any)) {
	return d.Narrow(func(_ int, emit func(any)) func(any) {
		return func(x any) { emit(split[P](x, notPair).Key) }
	})
}

// Values is the compute of the value of every pair; notPair is called
// with an element that is not a P.
func (d *Data[P]) Values(notPair func(x any)) func(p int, emit func(any)) {
	return d.Narrow(func(_ int, emit func(any)) func(any) {
		return func(x any) { emit(split[P](x, notPair).Value) }
	})
}

func split[P ~struct{ Key, Value any }](x any, notPair func(x any)) struct{ Key, Value any } {
	kv, ok := x.(P)
	if !ok {
		notPair(x)
	}
	return struct{ Key, Value any }(kv)
}

// AsKeys is the compute of the pair (x, nil) for every element x, so set
// operations can cogroup elements as keys.
func (d *Data[P]) AsKeys() func(p int, emit func(any)) {
	return d.Narrow(func(_ int, emit func(any)) func(any) {
		return func(x any) { emit(P(struct{ Key, Value any }{x, nil})) }
	})
}

// Sample is the compute of a random sample of d drawn by engine/internal/sample
// from seed: without replacement each element kept with probability
// fraction, with replacement a Poisson(fraction) number of times.
func (d *Data[P]) Sample(seed int64, fraction float64, withReplacement bool) func(p int, emit func(any)) {
	return d.Narrow(func(p int, emit func(any)) func(any) {
		smp := sample.New(seed, p, fraction)
		if !withReplacement {
			return func(x any) {
				if smp.Keep() {
					emit(x)
				}
			}
		}
		return func(x any) {
			for range smp.Copies() {
				emit(x)
			}
		}
	})
}
