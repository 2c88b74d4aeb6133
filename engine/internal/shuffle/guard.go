package shuffle

// Guarded returns the Aggregator of create, merge and combine (nil: merge
// combines too), each call under a deferred recover that hands a panic to
// panicked with the value the function was given (the second of merge's
// and combine's); panicked does not return.
func Guarded(create func(v any) any, merge func(acc, v any) any, combine func(a, b any) any, panicked func(r, x any)) *Aggregator {
	a := &Aggregator{
		Create: func(v any) any {
			defer recovered(panicked, v)
			return create(v)
		},
		Merge: func(acc, v any) any {
			defer recovered(panicked, v)
			return merge(acc, v)
		},
	}
	if combine != nil {
		a.Combine = func(x, y any) any {
			defer recovered(panicked, y)
			return combine(x, y)
		}
	}
	return a
}

func recovered(panicked func(r, x any), x any) {
	if r := recover(); r != nil {
		panicked(r, x)
	}
}

// SpreadPairs is Spread of pairs P by the partition of their key among n
// (Partition, the caller's pair and time types P and T); notPair is called
// with an element that is not a P and does not return.
func SpreadPairs[P ~struct{ Key, Value any }, T ~int64](parts [][]any, n int, notPair func(x any)) [][]any {
	return Spread(parts, n, func(x any) int {
		kv, ok := x.(P)
		if !ok {
			notPair(x)
		}
		return Partition[P, T](struct{ Key, Value any }(kv).Key, n)
	})
}
