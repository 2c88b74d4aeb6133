package shuffle

// The accumulators of the stateful and windowed operations that gather
// values: UpdateStateByKey's new values per key, GroupByKeyAndWindow's
// groups of groups.

// ValuesCreate starts a key's values with v, in a *[]any so that folding a
// value in boxes nothing.
func ValuesCreate(v any) any { return &[]any{v} }

// ValuesMerge adds v to the values acc.
func ValuesMerge(acc, v any) any {
	vs := acc.(*[]any)
	*vs = append(*vs, v)
	return vs
}

// ValuesCombine appends the values b to a.
func ValuesCombine(a, b any) any {
	vs := a.(*[]any)
	*vs = append(*vs, *b.(*[]any)...)
	return vs
}

// ConcatCreate starts a key's group with a copy of the group v, a []any.
func ConcatCreate(v any) any { return append([]any(nil), v.([]any)...) }

// ConcatMerge appends the group v to the group acc.
func ConcatMerge(acc, v any) any { return append(acc.([]any), v.([]any)...) }
