package exec

// PairFilter adapts a window's FilterFunc, f: a func(P) bool or func(any)
// bool, both given the (key, value) P, or a predicate on the value (see
// Predicate). Nil for no f.
func PairFilter[P ~struct{ Key, Value any }, T any](ad Adapter[P, T], op string, f any) func(any) bool {
	if f == nil {
		return nil
	}
	switch g := f.(type) {
	case func(P) bool:
		return func(x any) bool { return g(x.(P)) }
	case func(any) bool:
		return g
	}
	g := ad.Predicate(op, f)
	return func(x any) bool { return g(struct{ Key, Value any }(x.(P)).Value) }
}
