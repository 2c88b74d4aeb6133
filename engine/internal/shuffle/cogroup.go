package shuffle

// The accumulators of the keyed operations that group values: GroupByKey's
// values, Cogroup's two sides, Distinct's nothing. Each is a create, merge
// and combine for an Aggregator (the caller guards them as user functions).

// GroupCreate starts a key's group of values with v.
func GroupCreate(v any) any { return []any{v} }

// GroupMerge adds v to the group acc.
func GroupMerge(acc, v any) any { return append(acc.([]any), v) }

// GroupCombine appends group b to group a.
func GroupCombine(a, b any) any { return append(a.([]any), b.([]any)...) }

// Nothing keeps no value: the accumulator of Distinct, whose output is the
// keys alone.
func Nothing(any) any { return nil }

// NothingMerge is Nothing's merge.
func NothingMerge(_, _ any) any { return nil }

// Groups holds the values of one key from each side of a cogroup, in the
// order the shuffle met them.
type Groups struct{ Left, Right []any }

type tagged struct {
	side int
	v    any
}

// Tag marks v as a value of side 0 (left) or 1 (right) of a cogroup; the
// cogroup's map side writes tagged values.
func Tag(side int, v any) any { return tagged{side, v} }

func (g *Groups) add(v any) *Groups {
	t := v.(tagged)
	if t.side == 0 {
		g.Left = append(g.Left, t.v)
	} else {
		g.Right = append(g.Right, t.v)
	}
	return g
}

// CogroupCreate starts a key's Groups with a tagged value.
func CogroupCreate(v any) any { return (&Groups{}).add(v) }

// CogroupMerge adds a tagged value to acc, a *Groups.
func CogroupMerge(acc, v any) any { return acc.(*Groups).add(v) }

// CogroupCombine appends b's sides to a's.
func CogroupCombine(a, b any) any {
	x, y := a.(*Groups), b.(*Groups)
	x.Left = append(x.Left, y.Left...)
	x.Right = append(x.Right, y.Right...)
	return x
}

// NonNil is xs, or an empty slice for nil.
func NonNil(xs []any) []any {
	if xs == nil {
		return []any{}
	}
	return xs
}

// Join emits (k, (v, w)) for every v on the left and w on the right of g,
// left by left; keepLeft keeps a left value without a right one (w nil),
// keepRight a right value without a left one.
func Join[P ~struct{ Key, Value any }](k any, g *Groups, keepLeft, keepRight bool, emit func(any)) {
	left, right := g.Left, g.Right
	if len(left) == 0 && keepRight {
		left = []any{nil}
	}
	if len(right) == 0 && keepLeft {
		right = []any{nil}
	}
	for _, v := range left {
		for _, w := range right {
			emit(P(struct{ Key, Value any }{k, P(struct{ Key, Value any }{v, w})}))
		}
	}
}

// TagSide returns split with the values it returns tagged as side's (Tag):
// the map-side split of one input of a cogroup.
func TagSide(side int, split func(x any) (k, v any)) func(x any) (any, any) {
	return func(x any) (any, any) {
		k, v := split(x)
		return k, Tag(side, v)
	}
}

// EachGroup returns what hands each element of a cogroup's shuffle,
// P{key, *Groups}, to emit with out.
func EachGroup[P ~struct{ Key, Value any }](emit func(k any, g *Groups, out func(any)), out func(any)) func(x any) {
	return func(x any) {
		kv := struct{ Key, Value any }(x.(P))
		emit(kv.Key, kv.Value.(*Groups), out)
	}
}

// Cogrouped emits Cogroup's element for k: P{k, P{left, right}}, empty
// sides as empty slices.
func Cogrouped[P ~struct{ Key, Value any }](k any, g *Groups, emit func(any)) {
	emit(P(struct{ Key, Value any }{k, P(struct{ Key, Value any }{NonNil(g.Left), NonNil(g.Right)})}))
}

// Joined returns Join for a join keeping the keys of the sides asked.
func Joined[P ~struct{ Key, Value any }](keepLeft, keepRight bool) func(k any, g *Groups, emit func(any)) {
	return func(k any, g *Groups, emit func(any)) { Join[P](k, g, keepLeft, keepRight, emit) }
}
