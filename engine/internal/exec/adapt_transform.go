package exec

// The shapes of the functions given a whole RDD (Transform, TransformWith,
// ForeachRDD), R the engine's RDD type and T its time type: with or
// without the batch time, adapted to the form with it; false for any
// other shape, which the engine reports in its words.

// Transform adapts f, a func(R) R or func(R, T) R.
func Transform[R, T any](f any) (func(R, T) R, bool) {
	switch g := f.(type) {
	case func(R) R:
		return func(r R, _ T) R { return g(r) }, true
	case func(R, T) R:
		return g, true
	}
	return nil, false
}

// Transform2 adapts f, a func(R, R) R or func(R, R, T) R.
func Transform2[R, T any](f any) (func(a, b R, t T) R, bool) {
	switch g := f.(type) {
	case func(R, R) R:
		return func(a, b R, _ T) R { return g(a, b) }, true
	case func(R, R, T) R:
		return g, true
	}
	return nil, false
}

// Foreach adapts f, a func(R) or func(R, T).
func Foreach[R, T any](f any) (func(R, T), bool) {
	switch g := f.(type) {
	case func(R):
		return func(r R, _ T) { g(r) }, true
	case func(R, T):
		return g, true
	}
	return nil, false
}
