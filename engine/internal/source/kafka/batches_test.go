package kafka

import (
	"reflect"
	"testing"
)

// TestBatches: a batch's ranges are kept, by time and by handle, until
// more than keep batches are recorded after it; a batch recorded again
// replaces its handle; counts go with their batch.
func TestBatches(t *testing.T) {
	var b Batches
	r := func(from, until int64) []Range { return []Range{{"t", 0, from, until}, {"t", 1, from, from}} }
	h1, h2, h2b, h3 := new(int), new(int), new(int), new(int)
	b.Put(1000, r(0, 5), h1, 2)
	if got, ok := RangesOf(h1); !ok || !reflect.DeepEqual(got, r(0, 5)) {
		t.Fatalf("RangesOf(h1): %v, %v", got, ok)
	}
	if n := b.Count(1000, r(0, 5)); n != 5 || b.Counted(1000) != 5 {
		t.Fatalf("Count %d, Counted %d, want 5", n, b.Counted(1000))
	}
	b.Put(2000, r(5, 7), h2, 2)
	b.Put(2000, r(5, 8), h2b, 2)
	if _, ok := RangesOf(h2); ok {
		t.Fatal("the handle of a batch recorded again is still known")
	}
	if got, _ := b.Ranges(2000); !reflect.DeepEqual(got, r(5, 8)) {
		t.Fatalf("ranges of 2000: %v", got)
	}
	if got, _ := RangesOf(h2b); !reflect.DeepEqual(got, r(5, 8)) {
		t.Fatalf("RangesOf(h2b): %v", got)
	}
	b.Put(3000, r(8, 9), h3, 2)
	if _, ok := b.Ranges(1000); ok || b.Counted(1000) != 0 {
		t.Errorf("batch 1000 is still known after it was forgotten")
	}
	if _, ok := RangesOf(h1); ok {
		t.Errorf("the handle of batch 1000 is still known after it was forgotten")
	}
	got, ok := b.Ranges(3000)
	if !ok || !reflect.DeepEqual(got, r(8, 9)) {
		t.Fatalf("ranges of 3000: %v, %v", got, ok)
	}
	got[0].UntilOffset = 99
	if again, _ := b.Ranges(3000); again[0].UntilOffset != 9 {
		t.Errorf("Ranges shares the recorded slice")
	}
	if again, _ := RangesOf(h3); again[0].UntilOffset != 9 {
		t.Errorf("RangesOf shares the recorded slice")
	}
	in := r(10, 20)
	b.Put(4000, in, nil, 2)
	in[0].FromOffset = -1
	if kept, _ := b.Ranges(4000); kept[0].FromOffset != 10 {
		t.Errorf("Put keeps the caller's slice")
	}
	if _, ok := RangesOf(nil); ok {
		t.Errorf("RangesOf(nil) found ranges")
	}
	if b.Estimate() != 0 {
		t.Errorf("estimate before any: %v", b.Estimate())
	}
	b.SetEstimate(12.5)
	if b.Estimate() != 12.5 {
		t.Errorf("estimate %v, want 12.5", b.Estimate())
	}
}

func TestProblems(t *testing.T) {
	var p Problems
	if !p.Changed("a") || p.Changed("a") || !p.Changed("b") || !p.Changed("a") {
		t.Fatal("a problem is reported when it changes, once")
	}
	p.Clear()
	if !p.Changed("a") {
		t.Fatal("after Clear the same problem is reported again")
	}
}

func TestMessages(t *testing.T) {
	type pair struct{ k, v any }
	split := func(x any) (any, any, bool) {
		p, ok := x.(pair)
		return p.k, p.v, ok
	}
	format := func(x any) string {
		if x == nil {
			return "<nil>"
		}
		return x.(string)
	}
	got := Messages([]any{pair{"k", "v"}, "plain", pair{nil, "w"}}, split, format)
	want := []Message{{[]byte("k"), []byte("v")}, {nil, []byte("plain")}, {[]byte("<nil>"), []byte("w")}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if m := Messages(nil, split, format); m != nil {
		t.Errorf("no element: %v", m)
	}
}
