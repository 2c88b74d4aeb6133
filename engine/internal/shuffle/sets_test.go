package shuffle

import (
	"reflect"
	"testing"
)

func TestSets(t *testing.T) {
	type pair struct{ Key, Value any }
	both, left := &Groups{Left: []any{1, 2}, Right: []any{3}}, &Groups{Left: []any{1, 2}}
	for _, tc := range []struct {
		name string
		emit func(any, *Groups, func(any))
		g    *Groups
		want []any
	}{
		{"subtract both", Subtract, both, nil},
		{"subtract left", Subtract, left, []any{"k", "k"}},
		{"intersect both", Intersect, both, []any{"k"}},
		{"intersect left", Intersect, left, nil},
		{"subtract pairs both", SubtractPairs[pair], both, nil},
		{"subtract pairs left", SubtractPairs[pair], left, []any{pair{"k", 1}, pair{"k", 2}}},
	} {
		var got []any
		tc.emit("k", tc.g, func(x any) { got = append(got, x) })
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
