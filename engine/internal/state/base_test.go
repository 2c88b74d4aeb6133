package state

import (
	"fmt"
	"testing"
)

// A Base gives a partition's map, made from its elements when it has no
// maps; a MapStep maps a partition from the Part before; a snapshot's
// elements come back as the same parts.
func TestBaseAndMapStep(t *testing.T) {
	if !(Base{}).None() {
		t.Fatal("the zero Base is not None")
	}
	b := Base{Parts: [][]any{{pair{"a", pair{"a", 1}}}, nil}}
	if MapOf[pair](b, 1, nil, nil) != nil {
		t.Fatal("an empty partition has a map")
	}
	if m := MapOf[pair](b, 0, nil, nil); m == nil || m.Len() != 1 {
		t.Fatalf("MapOf = %v", m)
	}
	var bad any
	func() {
		defer func() { recover() }()
		MapOf[pair](Base{Parts: [][]any{{"x"}}}, 0, func(x any) { bad = x; panic(x) }, nil)
	}()
	if bad != "x" {
		t.Fatalf("notPair got %v", bad)
	}

	sum := func(_ ms, k, v any, has bool, c *Cell) (any, bool) {
		n := 0
		if c.Exists {
			n = c.Value.(int)
		}
		c.Value, c.Exists, c.Updated = n+v.(int), true, true
		return fmt.Sprintf("%v=%d", k, n+v.(int)), true
	}
	step := MapStep[pair, ms, *Cell]{Batch: MapBatch[pair, ms, *Cell]{Fn: sum}, Wrote: make([][]int32, 1)}
	var c Cell
	p := step.Partition(0, []any{pair{"a", 1}, pair{"a", 2}}, &c, &c, 1, 1)
	step = MapStep[pair, ms, *Cell]{Prev: []*Part{p}, Batch: step.Batch}
	p2 := step.Partition(0, []any{pair{"a", 3}}, &c, &c, 2, 2)
	var mapped, states []any
	EachMapped(func(x any) { mapped = append(mapped, x) })(p2)
	EachState[pair](func(x any) { states = append(states, x) })(p2)
	if fmt.Sprint(mapped) != "[a=6]" || fmt.Sprint(states) != "[{a 6}]" {
		t.Fatalf("mapped %v, states %v", mapped, states)
	}

	if boxed := Boxed([]*Part{p, p2}); len(boxed) != 2 || boxed[1][0] != p2 {
		t.Fatalf("Boxed = %v", boxed)
	}
	snap := Snapshot[pair, ms]([]*Part{p2})
	back := PartsOfSnapshot[pair, ms](snap, nil, nil, nil)
	if got := fmt.Sprint(live(back[0].M)); got != "[a=6@2]" {
		t.Fatalf("restored %s", got)
	}
	var badState any
	func() {
		defer func() { recover() }()
		PartsOfSnapshot[pair, ms]([][]any{{pair{"a", 1}}}, nil, func(v any) { badState = v; panic(v) }, nil)
	}()
	if badState != 1 {
		t.Fatalf("badState got %v", badState)
	}
}
