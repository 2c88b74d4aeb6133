package window

import (
	"reflect"
	"testing"
)

// A Stream over windows of 3 batches sliding by 1: each window, computed
// from the one before, is the counts of its batches; KeptBatches are the
// batches of the latest window, and the one after it, which Get reaches
// before it panics for an input not generated.
func TestStream(t *testing.T) {
	batches := map[int64][][]any{}
	var latest int64
	s := Stream[pair, [][]any]{Merge: ints(false), N: 1, Window: 3, Slide: 1, Batch: 1,
		Get: func(t int64) ([][]any, bool) {
			if t > latest {
				panic("not generated")
			}
			b, ok := batches[t]
			return b, ok
		},
		Read:  func(r [][]any) Batch { return Batch{Part: func(q int) []any { return r[q] }} },
		Parts: func(r [][]any) [][]any { return r },
		Out: func(_ int64, _ [][][]any, merge func(q int) []any) [][]any {
			return [][]any{merge(0)}
		},
	}
	s.Slice = func(from, to int64) (out [][][]any) {
		for t := from; t <= to; t++ {
			if b, ok := s.Get(t); ok {
				out = append(out, b)
			}
		}
		return out
	}
	keys := []string{"a", "b", "a", "c", "a", "b"}
	for i, k := range keys {
		tt := int64(i + 1)
		batches[tt], latest = [][]any{{pair{k, 1}}}, tt
		got := s.Compute(tt)
		want := map[string]int{}
		for _, k := range keys[max(0, i-2) : i+1] {
			want[k]++
		}
		counts := map[string]int{}
		for _, x := range got[0] {
			if kv := x.(pair); kv.Value != 0 {
				counts[kv.Key.(string)] = kv.Value.(int)
			}
		}
		if !reflect.DeepEqual(counts, want) {
			t.Fatalf("window at %d = %v, want %v", tt, counts, want)
		}
	}
	batches[7], latest = [][]any{{pair{"z", 1}}}, 7
	times, parts := s.KeptBatches()
	if want := []int64{4, 5, 6, 7}; !reflect.DeepEqual(times, want) || len(parts) != len(want) {
		t.Fatalf("KeptBatches = %v (%d batches), want %v", times, len(parts), want)
	}
	if tt, parts, ok := s.Snapshot(); !ok || tt != 6 || len(parts) != 1 {
		t.Fatalf("Snapshot = %d, %v, %v", tt, parts, ok)
	}
	s.Restore(6, [][]any{{pair{"a", 2}}})
	if r, tt, ok := s.Previous(); !ok || tt != 6 || len(r[0]) != 1 {
		t.Fatalf("after Restore, Previous = %v, %d, %v", r, tt, ok)
	}
}
