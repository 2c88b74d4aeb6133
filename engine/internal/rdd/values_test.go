package rdd

import (
	"reflect"
	"testing"
)

func TestValues(t *testing.T) {
	ps := of([]any{pair{"a", 1}}, []any{pair{"b", 2}})
	double := func(x any) any { return 2 * x.(int) }
	twice := func(x any, emit func(any)) { emit(x); emit(x) }
	if got, want := collect(2, ps.MapValues(double, nil, nil)), [][]any{{pair{"a", 2}}, {pair{"b", 4}}}; !reflect.DeepEqual(got, want) {
		t.Errorf("MapValues = %v, want %v", got, want)
	}
	if got, want := collect(2, ps.FlatMapValues(twice, nil, nil)), [][]any{{pair{"a", 1}, pair{"a", 1}}, {pair{"b", 2}, pair{"b", 2}}}; !reflect.DeepEqual(got, want) {
		t.Errorf("FlatMapValues = %v, want %v", got, want)
	}
	var failed []any
	func() {
		defer func() { recover() }()
		collect(1, of([]any{pair{"a", "x"}}).MapValues(double, nil, func(r, x any) { failed = []any{x}; panic(r) }))
	}()
	if !reflect.DeepEqual(failed, []any{"x"}) {
		t.Errorf("MapValues failed with %v, want the value", failed)
	}
	var notPair any
	func() {
		defer func() { recover() }()
		collect(1, of([]any{3}).FlatMapValues(twice, func(x any) { notPair = x; panic(x) }, nil))
	}()
	if notPair != 3 {
		t.Errorf("FlatMapValues notPair got %v", notPair)
	}
}

func TestSumOne(t *testing.T) {
	if got := of([]any{1, 2}, nil, []any{4}).SumOne()(); !reflect.DeepEqual(got, [][]any{{7}}) {
		t.Errorf("SumOne = %v", got)
	}
	if got := of().SumOne()(); !reflect.DeepEqual(got, [][]any{{0}}) {
		t.Errorf("SumOne of nothing = %v", got)
	}
}
