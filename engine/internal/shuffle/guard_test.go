package shuffle

import (
	"fmt"
	"reflect"
	"testing"
)

// Guarded calls the functions and hands a panic to panicked with the
// value; the cogroup helpers tag, hand on and emit a key's groups.
func TestGuardedAndCogroupHelpers(t *testing.T) {
	var got []string
	panicked := func(r, x any) { got = append(got, fmt.Sprint(r, " on ", x)); panic(r) }
	a := Guarded(func(v any) any { return []any{v} }, func(acc, v any) any {
		if v == "bad" {
			panic("boom")
		}
		return append(acc.([]any), v)
	}, nil, panicked)
	if a.Combine != nil || fmt.Sprint(a.Merge(a.Create(1), 2)) != "[1 2]" {
		t.Fatalf("Guarded: combine %v, merge %v", a.Combine != nil, a.Merge(a.Create(1), 2))
	}
	func() {
		defer func() { recover() }()
		a.Merge([]any{}, "bad")
	}()
	if !reflect.DeepEqual(got, []string{"boom on bad"}) {
		t.Fatalf("panicked got %v", got)
	}

	split := func(x any) (any, any) { kv := x.(pair); return kv.Key, kv.Value }
	k, v := TagSide(1, split)(pair{"a", 1})
	g := CogroupCreate(v).(*Groups)
	if k != "a" || len(g.Left) != 0 || !reflect.DeepEqual(g.Right, []any{1}) {
		t.Fatalf("TagSide: %v %+v", k, g)
	}
	var out []any
	emit := func(x any) { out = append(out, x) }
	EachGroup[pair](Cogrouped[pair], emit)(pair{"a", g})
	EachGroup[pair](Joined[pair](false, true), emit)(pair{"a", g})
	want := []any{pair{"a", pair{[]any{}, []any{1}}}, pair{"a", pair{nil, 1}}}
	if !reflect.DeepEqual(out, want) {
		t.Fatalf("got %v, want %v", out, want)
	}
}

func TestSpreadPairs(t *testing.T) {
	parts := [][]any{{pair{"a", 1}, pair{"b", 2}}, {pair{"a", 3}}}
	got := SpreadPairs[pair, int64](parts, 2, nil)
	want := make([][]any, 2)
	for _, x := range []any{pair{"a", 1}, pair{"b", 2}, pair{"a", 3}} {
		q := Partition[pair, int64](x.(pair).Key, 2)
		want[q] = append(want[q], x)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("SpreadPairs = %v, want %v", got, want)
	}
	var bad any
	func() {
		defer func() { recover() }()
		SpreadPairs[pair, int64]([][]any{{7}}, 2, func(x any) { bad = x; panic(x) })
	}()
	if bad != 7 {
		t.Fatalf("notPair got %v", bad)
	}
}
