package rdd

import (
	"reflect"
	"testing"
)

func TestNarrow(t *testing.T) {
	a := of([]any{1, 2}, []any{3})
	ps := of([]any{pair{"a", 1}}, []any{pair{"b", 2}, pair{"c", 3}})
	double := func(x any) any { return 2 * x.(int) }
	odd := func(x any) bool { return x.(int)%2 == 1 }
	twice := func(x any, emit func(any)) { emit(x); emit(x) }
	tests := []struct {
		name string
		got  [][]any
		want [][]any
	}{
		{"map", collect(2, a.Map(double, nil)), [][]any{{2, 4}, {6}}},
		{"filter", collect(2, a.Filter(odd, nil)), [][]any{{1}, {3}}},
		{"flat map", collect(2, a.FlatMap(twice, nil)), [][]any{{1, 1, 2, 2}, {3, 3}}},
		{"keys", collect(2, ps.Keys(nil)), [][]any{{"a"}, {"b", "c"}}},
		{"values", collect(2, ps.Values(nil)), [][]any{{1}, {2, 3}}},
		{"as keys", collect(2, a.AsKeys()), [][]any{{pair{1, nil}, pair{2, nil}}, {pair{3, nil}}}},
		{"sample all", collect(2, a.Sample(1, 1, false)), [][]any{{1, 2}, {3}}},
		{"sample none", collect(2, a.Sample(1, 0, true)), [][]any{nil, nil}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !reflect.DeepEqual(tc.got, tc.want) {
				t.Fatalf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
}

func TestNarrowFailures(t *testing.T) {
	a := of([]any{1, "x"})
	type failure struct{ r, x any }
	fail := func(r, x any) { panic(failure{r, x}) }
	boom := func(x any) any {
		if x == "x" {
			panic("boom")
		}
		return x
	}
	tests := map[string]struct {
		compute func(int, func(any))
		want    failure
	}{
		"map":      {a.Map(boom, fail), failure{"boom", "x"}},
		"filter":   {a.Filter(func(x any) bool { boom(x); return true }, fail), failure{"boom", "x"}},
		"flat map": {a.FlatMap(func(x any, emit func(any)) { emit(boom(x)) }, fail), failure{"boom", "x"}},
		"keys":     {a.Keys(func(x any) { panic(failure{"not a pair", x}) }), failure{"not a pair", 1}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := failureOf(tc.compute); got != tc.want {
				t.Fatalf("failed with %v, want %v", got, tc.want)
			}
		})
	}
}

// failureOf is what computing one partition panics with.
func failureOf(compute func(int, func(any))) (r any) {
	defer func() { r = recover() }()
	collect(1, compute)
	return nil
}
