package rdd

import "github.com/gostream/gostream/engine/internal/exec"

// MapValues is the compute of P{k, f(v)} for every pair P{k, v}; notPair
// is called with an element that is not a P, fail with a panic of f and
// the value.
func (d *Data[P]) MapValues(f func(any) any, notPair func(x any), fail func(r, x any)) func(p int, emit func(any)) {
	return d.Narrow(func(_ int, emit func(any)) func(any) {
		return func(x any) {
			kv := split[P](x, notPair)
			emit(P(struct{ Key, Value any }{kv.Key, Apply(f, kv.Value, fail)}))
		}
	})
}

// FlatMapValues is the compute of P{k, w} for every w f emits for the
// value of a pair P{k, v}, buffered per pair as FlatMap's.
func (d *Data[P]) FlatMapValues(f func(any, func(any)), notPair func(x any), fail func(r, x any)) func(p int, emit func(any)) {
	return d.Narrow(func(_ int, emit func(any)) func(any) {
		e := exec.NewExpansion()
		return func(x any) {
			kv := split[P](x, notPair)
			for _, w := range e.Expand(f, kv.Value, fail) {
				emit(P(struct{ Key, Value any }{kv.Key, w}))
			}
			e.Done()
		}
	})
}
