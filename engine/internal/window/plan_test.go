package window

import (
	"fmt"
	"testing"
	"time"
)

// A window of 3 batches sliding by 2 over 1-second batches: after the
// window at 4s, the one at 6s drops the batches at 2s and 3s and adds those
// at 5s and 6s; without the window a slide before, it reduces all three.
func TestPlan(t *testing.T) {
	old, new, inc := Plan(6000, 4000, true, 3000, 2000, 1000)
	if !inc || old != (Span{2000, 3000}) || new != (Span{5000, 6000}) {
		t.Fatalf("incremental: old %v new %v %v", old, new, inc)
	}
	for _, prev := range []struct {
		t   int64
		has bool
	}{{0, false}, {2000, true}} {
		old, new, inc := Plan(6000, prev.t, prev.has, 3000, 2000, 1000)
		if inc || old.From <= old.To || new != (Span{4000, 6000}) {
			t.Fatalf("previous %v: old %v new %v %v", prev, old, new, inc)
		}
	}
	// A window that slides by more than its length drops it whole.
	old, new, _ = Plan(9000, 6000, true, 2000, 3000, 1000)
	if old != (Span{5000, 6000}) || new != (Span{8000, 9000}) {
		t.Fatalf("sparse: old %v new %v", old, new)
	}
}

func TestCheck(t *testing.T) {
	s := time.Second
	if err := Check(4*s, 2*s, s, true); err != nil {
		t.Fatal(err)
	}
	if err := Check(3*s, 2*s, 2*s, true); err == nil || err.Error() != "window duration 3s must be a positive multiple of the parent stream's slide duration 2s (the batch interval)" {
		t.Fatalf("window: %v", err)
	}
	if err := Check(4*s, 0, 2*s, false); err == nil || err.Error() != "slide duration 0s must be a positive multiple of the parent stream's slide duration 2s" {
		t.Fatalf("slide: %v", err)
	}
}

// After the window at 5s of 3 one-second batches, later windows read the
// batches at 3s to 5s (the one at 4s is missing) and those after it up to
// the first not yet generated (7s).
func TestKept(t *testing.T) {
	have := map[int64]bool{3000: true, 5000: true, 6000: true, 8000: true}
	find := func(tt int64) (string, bool) { return fmt.Sprint(tt / 1000), have[tt] }
	times, rs := Kept(5000, 3000, 1000, find, find)
	if fmt.Sprint(times, rs) != "[3000 5000 6000] [3 5 6]" {
		t.Fatalf("Kept = %v %v", times, rs)
	}
}
