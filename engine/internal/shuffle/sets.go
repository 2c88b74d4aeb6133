package shuffle

// What the set operations emit for a key of their cogroup (Groups): the
// left side's elements that the right side lacks, those both have, or the
// left side's pairs whose key the right side lacks.

// Subtract emits k once per left value when the right side has none:
// Subtract's elements, cogrouped as keys, kept as often as they occur.
func Subtract(k any, g *Groups, emit func(any)) {
	if len(g.Right) > 0 {
		return
	}
	for range g.Left {
		emit(k)
	}
}

// Intersect emits k once when both sides have it.
func Intersect(k any, g *Groups, emit func(any)) {
	if len(g.Left) > 0 && len(g.Right) > 0 {
		emit(k)
	}
}

// SubtractPairs emits (k, v) for every left value v when the right side
// has none: SubtractByKey's pairs.
func SubtractPairs[P ~struct{ Key, Value any }](k any, g *Groups, emit func(any)) {
	if len(g.Right) > 0 {
		return
	}
	for _, v := range g.Left {
		emit(P(struct{ Key, Value any }{k, v}))
	}
}
