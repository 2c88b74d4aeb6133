package state

import (
	"fmt"
	"reflect"
	"testing"
)

type kv struct {
	k string
	v int
}

func split(x any) (any, any) { p := x.(kv); return p.k, p.v }
func same(a, b any) bool     { return a == b }

// parts makes one partition per map, its keys in the order given.
func parts(ps ...[]kv) [][]any {
	out := make([][]any, len(ps))
	for q, p := range ps {
		out[q] = []any{}
		for _, e := range p {
			out[q] = append(out[q], e)
		}
	}
	return out
}

func TestDiffWritesOnlyWhatChanged(t *testing.T) {
	im := NewImage(3)
	var state [][]any
	for i := 0; i < 10; i++ {
		state = append(state, nil)
	}
	big := make([]kv, 100)
	for i := range big {
		big[i] = kv{fmt.Sprintf("k%03d", i), i}
	}
	s0 := parts(big, []kv{{"x", 1}, {"y", 2}})
	d := im.Diff(s0, []int64{100}, split, same)
	if !d.Full || d.Changed() != 102 || !reflect.DeepEqual(d.Windows, []int64{100}) {
		t.Fatalf("first diff: full %v, %d changed, windows %v; want a full snapshot of 102 and window 100", d.Full, d.Changed(), d.Windows)
	}
	im.Commit(d, split)

	// One key changes, one goes, one comes.
	next := append([]kv(nil), big...)
	next[5].v = -5
	s1 := parts(next, []kv{{"y", 2}, {"z", 3}})
	d = im.Diff(s1, []int64{100, 200}, split, same)
	if d.Full {
		t.Fatal("second diff is a full snapshot")
	}
	if got := d.Puts; !reflect.DeepEqual(got, [][]any{{kv{"k005", -5}}, {kv{"z", 3}}}) {
		t.Errorf("puts %v", got)
	}
	if got := d.Removed; !reflect.DeepEqual(got, [][]any{nil, {"x"}}) {
		t.Errorf("removed %v, want x", got)
	}
	if !reflect.DeepEqual(d.Windows, []int64{200}) {
		t.Errorf("windows %v, want only the new 200", d.Windows)
	}
	// Diff does not change the image: the same diff again gives the same.
	if again := im.Diff(s1, []int64{100, 200}, split, same); !reflect.DeepEqual(again.Puts, d.Puts) {
		t.Errorf("a second Diff before Commit gave %v", again.Puts)
	}
	im.Commit(d, split)
	got := Apply(s0, []*Delta{d}, split)
	if !reflect.DeepEqual(got, s1) {
		t.Errorf("Apply(snapshot, delta) = %v, want %v", got, s1)
	}

	// After 3 deltas the next is a full snapshot again.
	for i := 0; i < 2; i++ {
		d = im.Diff(s1, nil, split, same)
		if d.Full || d.Changed() != 0 {
			t.Fatalf("delta %d: full %v, %d changed; want an empty delta", i+2, d.Full, d.Changed())
		}
		im.Commit(d, split)
	}
	if d = im.Diff(s1, nil, split, same); !d.Full {
		t.Error("the fourth checkpoint after a snapshot is not a full snapshot")
	}
	im.Commit(d, split)

	// A delta larger than half the state is a snapshot.
	changedAll := make([]kv, len(next))
	for i, e := range next {
		changedAll[i] = kv{e.k, e.v + 1}
	}
	if d = im.Diff(parts(changedAll, []kv{{"y", 2}, {"z", 3}}), nil, split, same); !d.Full {
		t.Error("a delta changing every key is not a full snapshot")
	}
	im.Reset()
	if d = im.Diff(s1, nil, split, same); !d.Full {
		t.Error("Diff after Reset is not a full snapshot")
	}
}

// TestApplyChain applies a chain of deltas in which keys go and come back:
// the result equals the last state, keys in the order they first appeared.
func TestApplyChain(t *testing.T) {
	im := NewImage(100)
	stable := make([]kv, 20) // a partition no batch changes keeps deltas small
	for i := range stable {
		stable[i] = kv{fmt.Sprint(i), i}
	}
	states := [][][]any{
		parts([]kv{{"a", 1}, {"b", 1}, {"c", 1}}, stable),
		parts([]kv{{"a", 2}, {"c", 1}}, stable),
		parts([]kv{{"a", 2}, {"c", 1}, {"b", 7}}, stable),
		parts([]kv{{"c", 1}, {"b", 7}, {"d", 1}}, stable),
		parts([]kv{}, stable),
		parts([]kv{{"e", 5}}, stable),
	}
	var base [][]any
	var deltas []*Delta
	for i, s := range states {
		d := im.Diff(s, nil, split, same)
		im.Commit(d, split)
		if i == 0 {
			base = d.Puts
			continue
		}
		if d.Full {
			t.Fatalf("state %d: a full snapshot where a small delta was due", i)
		}
		deltas = append(deltas, d)
		if got := Apply(base, deltas, split); !reflect.DeepEqual(got, s) {
			t.Errorf("after state %d: Apply gave %v, want %v", i, got, s)
		}
	}
}
