package shuffle

import (
	"fmt"
	"reflect"
	"testing"
)

type kv struct{ Key, Value any }

func TestCogroupKeepsSidesInOrder(t *testing.T) {
	g := CogroupCreate(Tag(1, "r1"))
	g = CogroupMerge(g, Tag(0, "l1"))
	g = CogroupMerge(g, Tag(0, "l2"))
	h := CogroupCreate(Tag(1, "r2"))
	got := CogroupCombine(g, h).(*Groups)
	want := &Groups{Left: []any{"l1", "l2"}, Right: []any{"r1", "r2"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestGroup(t *testing.T) {
	got := GroupCombine(GroupMerge(GroupCreate(1), 2), GroupCreate(3))
	if !reflect.DeepEqual(got, []any{1, 2, 3}) {
		t.Errorf("got %v, want [1 2 3]", got)
	}
}

func TestJoin(t *testing.T) {
	tests := []struct {
		name         string
		g            Groups
		keepL, keepR bool
		want         string
	}{
		{"inner", Groups{[]any{1, 2}, []any{"a", "b"}}, false, false, "[{k {1 a}} {k {1 b}} {k {2 a}} {k {2 b}}]"},
		{"inner, left only", Groups{[]any{1}, nil}, false, false, "[]"},
		{"left outer", Groups{[]any{1}, nil}, true, false, "[{k {1 <nil>}}]"},
		{"right outer", Groups{nil, []any{"a"}}, false, true, "[{k {<nil> a}}]"},
		{"full outer, right only", Groups{nil, []any{"a"}}, true, true, "[{k {<nil> a}}]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := []any{}
			Join[kv]("k", &tt.g, tt.keepL, tt.keepR, func(x any) { out = append(out, x) })
			if got := fmt.Sprint(out); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			if len(out) > 0 {
				if _, ok := out[0].(kv); !ok {
					t.Errorf("%T is not the caller's pair type", out[0])
				}
			}
		})
	}
}
