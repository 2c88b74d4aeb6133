package state

import (
	"fmt"
	"testing"
)

// A MapWithState batch: the function sees each key's state, its updates and
// removals are written, keys not updated since the threshold time out with
// one last call, and the slots written are reported.
func TestMapBatch(t *testing.T) {
	var c Cell
	var calls []string
	count := func(_ ms, k, v any, has bool, c *Cell) (any, bool) {
		n := 0
		if c.Exists {
			n = c.Value.(int)
		}
		switch {
		case c.TimingOut:
			calls = append(calls, fmt.Sprintf("%v:timeout(%d)", k, n))
			return fmt.Sprintf("%v gone", k), true
		case v == 0:
			c.Value, c.Exists, c.Removed = nil, false, true
			return nil, false
		}
		c.Value, c.Exists, c.Updated = n+v.(int), true, true
		return fmt.Sprintf("%v=%d", k, n+v.(int)), true
	}
	var wrote []int32
	run := func(m *Map, now int64, timeout bool, records ...any) []any {
		wrote = wrote[:0]
		b := MapBatch[pair, ms, *Cell]{Fn: count, State: &c, Cell: &c, Timeout: timeout, Threshold: now - 2, Wrote: &wrote}
		return b.Run(m, records, ms(now), now)
	}
	v1 := NewMap(nil)
	if got := fmt.Sprint(run(v1, 1, false, pair{"a", 1}, pair{"b", 2}, pair{"a", 3})); got != "[a=1 b=2 a=4]" {
		t.Fatalf("batch 1: %s", got)
	}
	v2 := v1.Next()
	if got := fmt.Sprint(run(v2, 2, false, pair{"b", 0}, pair{"c", 1})); got != "[c=1]" {
		t.Fatalf("batch 2: %s", got)
	}
	if fmt.Sprint(wrote) != "[1 2]" {
		t.Fatalf("batch 2 wrote %v, want slots [1 2]", wrote)
	}
	if got := fmt.Sprint(live(v2)); got != "[a=4@1 c=1@2]" {
		t.Fatalf("state after batch 2: %s", got)
	}
	v3 := v2.Next()
	if got := fmt.Sprint(run(v3, 4, true, pair{"c", 1})); got != "[c=2 a gone]" {
		t.Fatalf("batch 3: %s", got)
	}
	if got := fmt.Sprint(live(v3)); got != "[c=2@4]" || fmt.Sprint(calls) != "[a:timeout(4)]" {
		t.Fatalf("state after batch 3: %s, calls %v", got, calls)
	}
}
