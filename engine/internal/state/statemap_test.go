package state

import (
	"fmt"
	"reflect"
	"testing"
)

func live(m *Map) []string {
	var out []string
	m.Each(func(_ int32, k any, e Entry) { out = append(out, fmt.Sprintf("%v=%v@%d", k, e.State, e.Updated)) })
	return out
}

// Versions are deltas: a new version sees the old one's keys, writes only
// its own, and leaves the old version as it was; keys iterate in the order
// they first appeared, a revived key in its old place.
func TestMapVersions(t *testing.T) {
	v1 := NewMap(nil)
	v1.Add("a", 1, 1)
	v1.Add("b", 2, 1)
	v1.Add(7, 3, 1)
	v2 := v1.Next()
	s, e, ok := v2.Get("b")
	if !ok || e.State != 2 || !e.Live {
		t.Fatalf("Get(b) in the next version = %d %v %v", s, e, ok)
	}
	v2.Set(s, Entry{State: 20, Updated: 2, Live: true})
	sa, _, _ := v2.Get("a")
	v2.Set(sa, Entry{}) // removed
	v2.Add("c", 4, 2)
	v3 := v2.Next()
	sa, e, ok = v3.Get("a")
	if !ok || e.Live {
		t.Fatalf("a removed: Get = %v %v", e, ok)
	}
	v3.Set(sa, Entry{State: 10, Updated: 3, Live: true}) // revived in its place
	if got, want := live(v1), []string{"a=1@1", "b=2@1", "7=3@1"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("v1 = %v, want %v", got, want)
	}
	if got, want := live(v2), []string{"b=20@2", "7=3@1", "c=4@2"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("v2 = %v, want %v", got, want)
	}
	if got, want := live(v3), []string{"a=10@3", "b=20@2", "7=3@1", "c=4@2"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("v3 = %v, want %v", got, want)
	}
	// Slot reads a slot of any layer as the version sees it.
	if k, e := v3.Slot(sa); k != "a" || e.State != 10 || !e.Live {
		t.Fatalf("v3.Slot(%d) = %v %v, want a=10", sa, k, e)
	}
	if k, e := v2.Slot(sa); k != "a" || e.Live {
		t.Fatalf("v2.Slot(%d) = %v %v, want a removed", sa, k, e)
	}
	if k, e := v3.Slot(3); k != "c" || e.State != 4 {
		t.Fatalf("v3.Slot(3) = %v %v, want c=4", k, e)
	}
	if v2.Len() != 3 || v3.Len() != 4 {
		t.Fatalf("Len: v2 %d, v3 %d", v2.Len(), v3.Len())
	}
}

// Past ChainLimit deltas Next compacts into a base, keeping every slot
// (dead ones too) and the order; with over half the slots dead it drops
// the dead ones, so a key that returns goes last.
func TestMapCompaction(t *testing.T) {
	m := NewMap(nil)
	for i := 0; i < 40; i++ {
		m.Add(i, i, 0)
	}
	for v := 1; v <= ChainLimit+1; v++ {
		m = m.Next()
		s, _, _ := m.Get(v)
		m.Set(s, Entry{}) // remove key v
	}
	if len(m.layers) > ChainLimit+1 {
		t.Fatalf("%d layers after %d versions: no compaction", len(m.layers), ChainLimit+1)
	}
	s, e, ok := m.Get(1)
	if !ok || e.Live {
		t.Fatalf("removed key 1 lost its slot at compaction: %v %v", e, ok)
	}
	if m.Len() != 40-(ChainLimit+1) {
		t.Fatalf("Len = %d", m.Len())
	}
	m.Set(s, Entry{State: "back", Live: true})
	if got := live(m); got[0] != "0=0@0" || got[1] != "1=back@0" {
		t.Fatalf("revived key not in its place: %v", got[:3])
	}
	// Remove the rest but 0 and 1: over half dead, the next version drops them.
	m.Each(func(s int32, k any, _ Entry) {
		if k.(int) >= 5 {
			m.Set(s, Entry{})
		}
	})
	m = m.Next()
	if m.slots != 2 || m.dead != 0 {
		t.Fatalf("after dropping dead slots: %d slots, %d dead", m.slots, m.dead)
	}
	m.Add(30, "new", 9)
	got := live(m)
	if len(got) != 3 || got[2] != "30=new@9" {
		t.Fatalf("a key back after its slot was dropped goes last: %v", got)
	}
}

func TestMapUnhashable(t *testing.T) {
	var seen any
	m := NewMap(func(k, r any) { seen = k; panic("unhashable") })
	func() {
		defer func() { recover() }()
		m.Add([]int{1}, 1, 0)
	}()
	if _, ok := seen.([]int); !ok {
		t.Fatalf("Unhashable got %v", seen)
	}
}

// A full version copies every entry and shares the keys: writing it leaves
// the version before as it was, a key added again after its removal
// iterates in its new place, and compaction past ChainLimit versions keeps
// the state.
func TestMapNextFull(t *testing.T) {
	v1 := NewMap(nil)
	v1.Add("a", 1, 0)
	v1.Add("b", 2, 0)
	v1.Add("c", 3, 0)
	v2 := v1.NextFull()
	sa, e, _ := v2.Get("a")
	v2.Update(sa, e, Entry{}) // a removed
	sb, e, _ := v2.Get("b")
	v2.Update(sb, e, Entry{State: 20, Live: true})
	v2.Add("d", 4, 0)
	v3 := v2.NextFull()
	v3.Add("a", 10, 0) // back, at the end
	if got, want := live(v1), []string{"a=1@0", "b=2@0", "c=3@0"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("v1 = %v, want %v", got, want)
	}
	if got, want := live(v2), []string{"b=20@0", "c=3@0", "d=4@0"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("v2 = %v, want %v", got, want)
	}
	if got, want := live(v3), []string{"b=20@0", "c=3@0", "d=4@0", "a=10@0"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("v3 = %v, want %v", got, want)
	}
	if s, e, ok := v3.Get("a"); !ok || !e.Live || e.State != 10 || s != 4 {
		t.Fatalf("v3.Get(a) = %d %v %v, want the new slot 4, live", s, e, ok)
	}
	if _, e, _ := v2.Get("a"); e.Live {
		t.Fatalf("v2.Get(a) = %v, want removed", e)
	}
	// Many versions, each adding a key: past ChainLimit they compact, and
	// every key keeps its state and place.
	v := v3
	want := live(v3)
	for i := range 3 * ChainLimit {
		v = v.NextFull()
		k := fmt.Sprintf("k%d", i)
		v.Add(k, i, 0)
		want = append(want, fmt.Sprintf("%s=%d@0", k, i))
	}
	if got := live(v); !reflect.DeepEqual(got, want) {
		t.Fatalf("after %d versions = %v, want %v", 3*ChainLimit, got, want)
	}
	if len(v.layers) > ChainLimit+1 {
		t.Fatalf("%d layers after %d versions: no compaction", len(v.layers), 3*ChainLimit)
	}
	if _, e, ok := v.Get("k7"); !ok || e.State != 7 {
		t.Fatalf("Get(k7) = %v %v", e, ok)
	}
}
