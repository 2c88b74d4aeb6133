package window

import (
	"math/rand"
	"reflect"
	"testing"

	"github.com/gostream/gostream/engine/internal/state"
)

// TestVersionedMatchesPartition slides a window over random batches, its
// state map kept from window to window (and once rebuilt from the output),
// with int and boxed functions, with and without a filter, and requires
// every window to equal Partition's.
func TestVersionedMatchesPartition(t *testing.T) {
	for _, boxed := range []bool{false, true} {
		for _, filter := range []bool{false, true} {
			rng := rand.New(rand.NewSource(2))
			m := ints(filter)
			if boxed {
				m.IntF, m.IntInv = nil, nil
			}
			batch := func() []any { return randomBatch(rng, true) }
			const length = 3
			var batches [][]any
			var prev []any
			var vm *state.Map
			for i := range 80 {
				batches = append(batches, batch())
				var old [][]any
				if len(batches) > length {
					old = [][]any{batches[len(batches)-length-1]}
				}
				new := [][]any{batches[len(batches)-1]}
				want := m.Partition(prev, old, new)
				if i == 40 {
					vm = m.Elements(prev)
				}
				var got []any
				vm, got = m.Versioned(vm, old, new)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("boxed %v, filter %v, window %d: got %v, want %v", boxed, filter, i, got, want)
				}
				prev = want
			}
		}
	}
}
