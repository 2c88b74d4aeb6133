package exec

// Expansion buffers the results of a FlatMap-like call, so that a panic
// downstream is not blamed on the function. One serves a whole partition:
// its buffer and collecting func are reused for every element.
type Expansion struct {
	buf []any
	add func(any)
}

// NewExpansion returns an empty Expansion.
func NewExpansion() *Expansion {
	e := &Expansion{}
	e.add = func(y any) { e.buf = append(e.buf, y) }
	return e
}

// Expand returns g's results for x, a panic of g handed to fail with x (fail
// must not return); call Done once they are emitted.
func (e *Expansion) Expand(g func(any, func(any)), x any, fail func(r, x any)) []any {
	e.buf = e.buf[:0]
	defer func() {
		if r := recover(); r != nil {
			fail(r, x)
		}
	}()
	g(x, e.add)
	return e.buf
}

// Done drops the references to the emitted results.
func (e *Expansion) Done() { clear(e.buf) }
