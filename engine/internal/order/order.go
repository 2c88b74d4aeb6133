package order

import (
	"cmp"
	"fmt"

	"github.com/gostream/gostream/engine/internal/num"
)

// PairType is the caller's key-value type: a struct of Key and Value.
type PairType interface{ ~struct{ Key, Value any } }

// Natural is the natural order of elements; P and T are the caller's pair
// and time types.
func Natural[P PairType, T ~int64](a, b any) int {
	switch x := a.(type) {
	case int:
		if y, ok := b.(int); ok {
			return cmp.Compare(x, y)
		}
	case string:
		if y, ok := b.(string); ok {
			return cmp.Compare(x, y)
		}
	case P:
		if y, ok := b.(P); ok {
			kx, ky := struct{ Key, Value any }(x), struct{ Key, Value any }(y)
			if c := Natural[P, T](kx.Key, ky.Key); c != 0 {
				return c
			}
			return Natural[P, T](kx.Value, ky.Value)
		}
	case bool:
		if y, ok := b.(bool); ok {
			switch {
			case !x && y:
				return -1
			case x && !y:
				return 1
			}
			return 0
		}
	case nil:
		if b == nil {
			return 0
		}
		return -1
	}
	if b == nil {
		return 1
	}
	if x, ok := num.Signed[T](a); ok {
		if y, ok := num.Signed[T](b); ok {
			return cmp.Compare(x, y)
		}
	}
	if x, ok := num.Unsigned(a); ok {
		if y, ok := num.Unsigned(b); ok {
			return cmp.Compare(x, y)
		}
	}
	if x, ok := Number[T](a); ok {
		if y, ok := Number[T](b); ok {
			return cmp.Compare(x, y)
		}
	}
	sa, sb := fmt.Sprint(a), fmt.Sprint(b)
	return cmp.Compare(sa, sb)
}

// Number returns x as a float64 when it is a number of any Go kind (T, the
// caller's time type, counts as a signed integer).
func Number[T ~int64](x any) (float64, bool) {
	switch n := x.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	}
	if i, ok := num.Signed[T](x); ok {
		return float64(i), true
	}
	if u, ok := num.Unsigned(x); ok {
		return float64(u), true
	}
	return 0, false
}

// Heap keeps the N smallest elements it is given by Cmp, as a max-heap.
type Heap struct {
	N   int
	Cmp func(a, b any) int
	Xs  []any
}

// Add offers x to the heap.
func (h *Heap) Add(x any) {
	if len(h.Xs) < h.N {
		h.Xs = append(h.Xs, x)
		for i := len(h.Xs) - 1; i > 0; {
			parent := (i - 1) / 2
			if h.Cmp(h.Xs[i], h.Xs[parent]) <= 0 {
				break
			}
			h.Xs[i], h.Xs[parent] = h.Xs[parent], h.Xs[i]
			i = parent
		}
		return
	}
	if h.Cmp(x, h.Xs[0]) >= 0 {
		return
	}
	h.Xs[0] = x
	for i := 0; ; {
		big := i
		if l := 2*i + 1; l < len(h.Xs) && h.Cmp(h.Xs[l], h.Xs[big]) > 0 {
			big = l
		}
		if rt := 2*i + 2; rt < len(h.Xs) && h.Cmp(h.Xs[rt], h.Xs[big]) > 0 {
			big = rt
		}
		if big == i {
			return
		}
		h.Xs[i], h.Xs[big] = h.Xs[big], h.Xs[i]
		i = big
	}
}

// Keyed is an element with its sort key.
type Keyed struct{ K, X any }

// MergeRuns merges sorted runs into one sorted sequence; on equal keys the
// earlier run comes first, so the merge is stable.
func MergeRuns(runs [][]Keyed, c func(a, b any) int) []Keyed {
	for len(runs) > 1 {
		var next [][]Keyed
		for i := 0; i < len(runs); i += 2 {
			if i+1 == len(runs) {
				next = append(next, runs[i])
				continue
			}
			a, b := runs[i], runs[i+1]
			m := make([]Keyed, 0, len(a)+len(b))
			for len(a) > 0 && len(b) > 0 {
				if c(b[0].K, a[0].K) < 0 {
					m, b = append(m, b[0]), b[1:]
				} else {
					m, a = append(m, a[0]), a[1:]
				}
			}
			next = append(next, append(append(m, a...), b...))
		}
		runs = next
	}
	if len(runs) == 0 {
		return nil
	}
	return runs[0]
}

// RangeParts cuts a sorted sequence into n contiguous partitions of about
// equal size, moving each cut past a run of equal keys.
func RangeParts(all []Keyed, n int, c func(a, b any) int) [][]any {
	parts := make([][]any, n)
	start := 0
	for p := range n {
		end := (p + 1) * len(all) / n
		if p == n-1 {
			end = len(all)
		}
		end = max(end, start)
		for end > start && end < len(all) && c(all[end-1].K, all[end].K) == 0 {
			end++
		}
		part := make([]any, end-start)
		for i := range part {
			part[i] = all[start+i].X
		}
		parts[p] = part
		start = end
	}
	return parts
}

// Keys is SortBy's order of keys: ints, int64s, float64s, strings and the
// caller's pairs of them; values of other types compare by their printed
// form.
func Keys[P PairType](a, b any) int {
	switch x := a.(type) {
	case int:
		if y, ok := b.(int); ok {
			return cmp.Compare(x, y)
		}
	case int64:
		if y, ok := b.(int64); ok {
			return cmp.Compare(x, y)
		}
	case float64:
		if y, ok := b.(float64); ok {
			return cmp3(x < y, x > y)
		}
	case string:
		if y, ok := b.(string); ok {
			return cmp.Compare(x, y)
		}
	case P:
		if y, ok := b.(P); ok {
			kx, ky := struct{ Key, Value any }(x), struct{ Key, Value any }(y)
			if c := Keys[P](kx.Key, ky.Key); c != 0 {
				return c
			}
			return Keys[P](kx.Value, ky.Value)
		}
	}
	sa, sb := fmt.Sprint(a), fmt.Sprint(b)
	return cmp.Compare(sa, sb)
}

// cmp3 is -1 when less, 1 when greater, else 0 (NaN compares equal to
// everything, as < and > say).
func cmp3(less, greater bool) int {
	switch {
	case less:
		return -1
	case greater:
		return 1
	}
	return 0
}
