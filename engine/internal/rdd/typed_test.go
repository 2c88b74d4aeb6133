package rdd

import (
	"reflect"
	"strings"
	"testing"
)

func withOne(x any) pair { return pair{x, 1} }

func TestTypedPaths(t *testing.T) {
	lines := of([]any{"a b", "c"})
	words := New[pair](&Env{}, run, 1, nil, nil)
	words.Strs = lines.FlatMapStrs(strings.Fields, nil, nil)
	var got []string
	words.Strs(0, func(s string) { got = append(got, s) })
	if want := []string{"a", "b", "c"}; !reflect.DeepEqual(got, want) {
		t.Errorf("FlatMapStrs = %q, want %q", got, want)
	}
	if words.FilterStrs(func(s string) bool { return s != "b" }, nil, nil) == nil {
		t.Errorf("FilterStrs over a typed path is nil")
	}
	if lines.FilterStrs(func(s string) bool { return true }, nil, nil) != nil {
		t.Errorf("FilterStrs without a typed path is not nil")
	}
	var counts []string
	words.MapStrInts(withOne, withOne, nil, nil)(0, func(k string, _ any, v int) { counts = append(counts, k+"="+string(rune('0'+v))) }, nil)
	if want := []string{"a=1", "b=1", "c=1"}; !reflect.DeepEqual(counts, want) {
		t.Errorf("MapStrInts(withOne) = %q, want %q", counts, want)
	}
	if words.MapStrInts(func(x any) pair { return pair{x, 2} }, withOne, nil, nil) != nil {
		t.Errorf("MapStrInts of another func(any) P is not nil")
	}
	if words.MapStrInts(func(s string) pair { return pair{s, 2} }, withOne, nil, nil) == nil {
		t.Errorf("MapStrInts of a func(string) P is nil")
	}
	if lines.FlatMapStrs(func(s string) []any { return nil }, nil, nil) != nil {
		t.Errorf("FlatMapStrs of another shape is not nil")
	}
}
