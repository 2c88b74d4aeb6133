package state

// Base is the state an UpdateStateByKey batch starts from: each
// partition's Map, or its elements, P{key, state}, when the map is still to
// be made from them (after a restore, from an initial state or a cluster's
// changelogs). The zero Base is no state.
type Base struct {
	Maps  []*Map
	Parts [][]any
}

// None reports whether b holds no state.
func (b Base) None() bool { return b.Maps == nil && b.Parts == nil }

// MapOf returns partition q's map of b, made from its elements (Elements)
// when b has no maps: nil when the partition is empty. Call it in the task
// that updates the partition, so that an element that is not a P fails
// that task (notPair, which does not return).
func MapOf[P ~struct{ Key, Value any }](b Base, q int, notPair func(x any), unhashable func(k, r any)) *Map {
	if b.Maps != nil {
		return b.Maps[q]
	}
	if b.Parts == nil || b.Parts[q] == nil {
		return nil
	}
	return Elements[P](b.Parts[q], notPair, unhashable)
}
