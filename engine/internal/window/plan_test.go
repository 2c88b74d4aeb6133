package window

import (
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
