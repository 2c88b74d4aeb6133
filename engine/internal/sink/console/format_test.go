package console

import (
	"strings"
	"testing"
)

type pair struct{ Key, Value any }

type named struct{ s string }

func TestFormat(t *testing.T) {
	var nilPair *pair
	tests := []struct {
		name string
		v    any
		leaf func(any) string
		want string
	}{
		{name: "string", v: "a b", want: "a b"},
		{name: "int", v: -3, want: "-3"},
		{name: "pair", v: pair{"k", 1}, want: "(k,1)"},
		{name: "nested pair", v: pair{pair{"a", 1}, []any{2, pair{"b", nil}}}, want: "((a,1),[2 (b,<nil>)])"},
		{name: "pointer to pair", v: &pair{"k", 2.5}, want: "(k,2.5)"},
		{name: "nil pointer to pair", v: nilPair, want: "<nil>"},
		{name: "slice", v: []any{"x", 1, []any{}}, want: "[x 1 []]"},
		{name: "other slice by fmt", v: []string{"a", "b"}, want: "[a b]"},
		{name: "leaf", v: pair{named{"n"}, "s"}, leaf: func(v any) string { return "<" + v.(named).s + ">" }, want: "(<n>,s)"},
		{name: "leaf not for strings", v: []any{"s", 1}, leaf: func(any) string { return "leaf" }, want: "[s 1]"},
		{name: "nil", v: nil, want: "<nil>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			Format[pair](&b, tc.v, tc.leaf)
			if got := b.String(); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}
