package order

import (
	"slices"
	"sort"
)

// FromLess is the comparison of less, a func reporting whether a sorts
// before b (Spark's Ordering); a panic of less is passed to fail with a.
func FromLess(less func(a, b any) bool, fail func(r, x any)) func(a, b any) int {
	return func(a, b any) int {
		defer func() {
			if r := recover(); r != nil {
				fail(r, a)
			}
		}()
		switch {
		case less(a, b):
			return -1
		case less(b, a):
			return 1
		}
		return 0
	}
}

// Reverse is the order c reversed.
func Reverse(c func(a, b any) int) func(a, b any) int {
	return func(a, b any) int { return c(b, a) }
}

// Least returns the n smallest elements by c that each pushes, in no
// particular order (a Heap's), for Smallest.
func Least(each func(func(any)), n int, c func(a, b any) int) []any {
	h := Heap{N: n, Cmp: c}
	each(h.Add)
	return h.Xs
}

// Smallest merges the partitions' Least into the n smallest by c, in order;
// of equal elements, the earlier partition's come first.
func Smallest(least [][]any, n int, c func(a, b any) int) []any {
	out := []any{}
	for _, xs := range least {
		out = append(out, xs...)
	}
	slices.SortStableFunc(out, c)
	if len(out) > n {
		clear(out[n:])
		out = out[:n]
	}
	return out
}

// SortRun sorts a partition's keyed elements by key with c, stably, for
// MergeRuns.
func SortRun(run []Keyed, c func(a, b any) int) {
	slices.SortStableFunc(run, func(a, b Keyed) int { return c(a.K, b.K) })
}

// SortBy returns the elements of all sorted stably by their keys in Keys'
// order, ascending or not: SortBy's one partition.
func SortBy[P PairType](all []Keyed, ascending bool) []any {
	sort.SliceStable(all, func(i, j int) bool {
		c := Keys[P](all[i].K, all[j].K)
		if ascending {
			return c < 0
		}
		return c > 0
	})
	out := make([]any, len(all))
	for i, e := range all {
		out[i] = e.X
	}
	return out
}
