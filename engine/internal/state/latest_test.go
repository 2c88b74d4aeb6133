package state

import (
	"fmt"
	"testing"
)

// Latest gives a batch the state of the batch before, refuses a time
// already computed, and a restore sets the state without counting as a
// computed batch.
func TestLatest(t *testing.T) {
	var l Latest[string]
	if x, has, ok := l.Begin(1000); has || !ok || x != "" {
		t.Fatalf("first batch: %q %v %v", x, has, ok)
	}
	l.Done(1000, "a")
	if x, has, ok := l.Begin(2000); !has || !ok || x != "a" {
		t.Fatalf("second batch: %q %v %v", x, has, ok)
	}
	l.Done(2000, "b")
	if _, _, ok := l.Begin(2000); ok {
		t.Fatal("a computed time was given again")
	}
	if _, _, ok := l.Begin(1000); ok {
		t.Fatal("an older time was given")
	}
	if tm, x, has := l.Get(); tm != 2000 || x != "b" || !has {
		t.Fatalf("Get: %d %q %v", tm, x, has)
	}
	var r Latest[string]
	r.Restore(5000, "r")
	if x, has, ok := r.Begin(5000); !ok || !has || x != "r" {
		t.Fatalf("after restore: %q %v %v", x, has, ok)
	}
}

// State partitions made from elements keep the first place of a key met
// twice with its later state, and Snapshot gives back the elements with
// their update times.
func TestPartsOfSnapshot(t *testing.T) {
	parts := PartsOf([][]any{{pair{"a", 1}, pair{"b", 2}, pair{"a", 3}}, nil}, nil, func(x any) (any, any, int64) {
		kv := x.(pair)
		return kv.Key, kv.Value, int64(kv.Value.(int)) * 1000
	})
	if got := fmt.Sprint(Snapshot[pair, ms](parts)); got != "[[{a {3 3000}} {b {2 2000}}] []]" {
		t.Fatalf("snapshot: %s", got)
	}
	next := parts[0].Next(nil)
	i, _, _ := next.M.Get("b")
	next.M.Set(i, Entry{State: 9, Updated: 4000, Live: true})
	if got := fmt.Sprint(Snapshot[pair, ms]([]*Part{next, parts[0]})); got != "[[{a {3 3000}} {b {9 4000}}] [{a {3 3000}} {b {2 2000}}]]" {
		t.Fatalf("next version: %s", got)
	}
	if (*Part)(nil).Next(nil).M.Len() != 0 {
		t.Fatal("the part after none is not empty")
	}
}
