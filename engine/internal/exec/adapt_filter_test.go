package exec

import (
	"testing"
)

type kv struct{ Key, Value any }

// A FilterFunc is given the pair, or its value when it is a predicate on
// values.
func TestPairFilter(t *testing.T) {
	pad := Adapter[kv, int64]{PairName: "exec.kv", Elem: ad.Elem, Shape: ad.Shape, Key: ad.Key}
	if PairFilter(pad, "W", nil) != nil {
		t.Error("no FilterFunc: want nil")
	}
	x := kv{"a", 0}
	for name, f := range map[string]any{
		"func(P) bool":   func(p kv) bool { return p.Value != 0 },
		"func(any) bool": func(p any) bool { return p.(kv).Value != 0 },
		"func(int) bool": func(v int) bool { return v != 0 },
	} {
		g := PairFilter(pad, "W", f)
		if g(x) || !g(kv{"b", 2}) {
			t.Errorf("%s: kept %v or dropped (b, 2)", name, x)
		}
	}
	if msg := failed(func() { PairFilter(pad, "W", func(s string) bool { return s != "" })(x) }); msg != "W: int where string" {
		t.Errorf("predicate on the wrong type: %q", msg)
	}
}
