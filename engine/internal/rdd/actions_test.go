package rdd

import (
	"cmp"
	"reflect"
	"testing"
)

func TestActions(t *testing.T) {
	nums := of([]any{3, 1}, nil, []any{4, 1, 5})
	ps := of([]any{pair{"a", 1}, pair{"b", 2}}, []any{pair{"a", 3}})
	add := func(a, b any) any { return a.(int) + b.(int) }
	ints := func(a, b any) int { return cmp.Compare(a.(int), b.(int)) }
	number := func(x any) (float64, bool) { i, ok := x.(int); return float64(i), ok }
	sum, ok := nums.Reduce(run, add, nil)
	_, none := of(nil, nil).Reduce(run, add, nil)
	stats := nums.Stats(run, number, nil)
	tests := []struct {
		name      string
		got, want any
	}{
		{"collect", nums.Collect(), []any{3, 1, 4, 1, 5}},
		{"collect empty", of(nil).Collect(), []any{}},
		{"reduce", []any{sum, ok, none}, []any{14, true, false}},
		{"fold", nums.Fold(run, 1, add, add, nil), 18},
		{"stats", []any{stats.N, stats.Sum, stats.Mean}, []any{5, 14.0, 2.8}},
		{"lookup", ps.Lookup(run, "a", nil, nil), []any{1, 3}},
		{"lookup none", ps.Lookup(run, "z", nil, nil), []any{}},
		{"smallest", nums.Smallest(run, 3, ints), []any{1, 1, 3}},
		{"smallest none", nums.Smallest(run, 0, ints), []any{}},
		{"as map", ps.AsMap(nil, nil), map[any]any{"a": 3, "b": 2}},
		{"ints by key", ps.IntsByKey(), map[any]int{"a": 3, "b": 2}},
		{"count one", nums.CountOne(run)(), [][]any{{5}}},
		{"reduce one", nums.ReduceOne(run, add, nil)(), [][]any{{14}}},
		{"reduce one empty", of(nil).ReduceOne(run, add, nil)(), [][]any{nil}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !reflect.DeepEqual(tc.got, tc.want) {
				t.Fatalf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
}

func TestAsMapBadKey(t *testing.T) {
	d := of([]any{pair{[]int{1}, "x"}})
	defer func() {
		if r, _ := recover().([]any); len(r) != 2 || !reflect.DeepEqual(r[0], []int{1}) {
			t.Fatalf("recovered %v", r)
		}
	}()
	d.AsMap(nil, func(k, r any) { panic([]any{k, r}) })
}

func TestForeach(t *testing.T) {
	d := of([]any{1, 2}, []any{3})
	var elems, parts []any
	d.Foreach(run, func(x any) { elems = append(elems, x) }, nil)
	d.ForeachPartition(run, func(part []any) { parts = append(parts, part) }, nil)
	if !reflect.DeepEqual(elems, []any{1, 2, 3}) || !reflect.DeepEqual(parts, []any{[]any{1, 2}, []any{3}}) {
		t.Fatalf("Foreach saw %v, ForeachPartition %v", elems, parts)
	}
	for name, call := range map[string]func(fail func(r, x any)){
		"Foreach":          func(fail func(r, x any)) { d.Foreach(run, func(any) { panic("boom") }, fail) },
		"ForeachPartition": func(fail func(r, x any)) { d.ForeachPartition(run, func([]any) { panic("boom") }, fail) },
	} {
		var got []any
		func() {
			defer func() { recover() }()
			call(func(r, x any) { got = []any{r, x}; panic("failed") })
		}()
		if len(got) != 2 || got[0] != "boom" {
			t.Errorf("%s: fail got %v", name, got)
		}
	}
}
