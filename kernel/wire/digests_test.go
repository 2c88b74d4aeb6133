package wire

import (
	"fmt"
	"testing"
)

func TestDigestHistoryForgetsTheOldestTenth(t *testing.T) {
	h := newDigestHistory(20)
	for i := 0; i < 21; i++ {
		if !h.add(fmt.Sprint(i)) {
			t.Fatalf("signature %d reported as seen", i)
		}
	}
	// 21 signatures exceed 20: the oldest two (a tenth) are forgotten.
	for _, c := range []struct {
		sig     int
		wantNew bool
	}{{20, false}, {2, false}, {0, true}, {1, true}} {
		if got := h.add(fmt.Sprint(c.sig)); got != c.wantNew {
			t.Errorf("add(%d) = %v, want %v", c.sig, got, c.wantNew)
		}
	}
	if !h.add("") || !h.add("") {
		t.Error("the empty signature (no key) must never count as a replay")
	}
}
