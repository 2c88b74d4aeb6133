package window

import (
	"math/rand"
	"reflect"
	"testing"
)

// Steps slide a window of 3 batches over random batches of two partitions,
// each window from what the one before left in the State, switching
// between the typed path (every batch in columns) and the generic path
// (some batch not), and starting afresh now and then; every window must be
// the merge from scratch.
func TestStepMatchesPartition(t *testing.T) {
	for _, filter := range []bool{false, true} {
		rng := rand.New(rand.NewSource(2))
		m := ints(filter)
		const length, n = 3, 2
		var batches [][][]any // per batch, per partition
		var s State[[][]any]
		batch := func(parts [][]any, withCols bool) Batch {
			b := Batch{Part: func(q int) []any { return parts[q] }}
			if withCols {
				for _, p := range parts {
					b.Cols = append(b.Cols, cols(t, p))
				}
			}
			return b
		}
		for i := range 60 {
			batches = append(batches, [][]any{randomBatch(rng, false), randomBatch(rng, false)})
			typed := i%7 < 4
			prev, prevT, ok := s.Previous()
			var old, new []Batch
			var oldParts, newParts [][][]any
			if ok && i%11 != 10 {
				if len(batches) > length {
					oldParts = batches[len(batches)-length-1 : len(batches)-length]
				}
				newParts = batches[len(batches)-1:]
			} else {
				prev = nil
				newParts = batches[max(0, len(batches)-length):]
			}
			for _, p := range oldParts {
				old = append(old, batch(p, typed))
			}
			for _, p := range newParts {
				new = append(new, batch(p, typed))
			}
			var prevPart func(q int) []any
			if prev != nil {
				prevPart = func(q int) []any { return prev[q] }
			}
			step := NewStep(&s, m, prevT, n, prevPart, func() [][]any { return prev }, old, new)
			got := [][]any{step.Partition(0), step.Partition(1)}
			step.Done(int64(i))
			s.Set(int64(i), got)
			for q := range n {
				var p []any
				if prev != nil {
					p = prev[q]
				}
				want := m.Partition(p, parts(old, q), parts(new, q))
				if !reflect.DeepEqual(got[q], want) {
					t.Fatalf("filter %v, window %d (typed %v), partition %d: got %v, want %v", filter, i, typed, q, got[q], want)
				}
			}
		}
	}
}
