package state

import (
	"fmt"
	"testing"
)

type pair struct{ Key, Value any }

type ms int64

func grouped(kvs ...any) []any {
	var out []any
	for i := 0; i < len(kvs); i += 2 {
		vs := kvs[i+1].([]any)
		out = append(out, pair{kvs[i], &vs})
	}
	return out
}

// Updates calls the function for every key with a state, then the new
// keys; a removed key that comes back goes at the end.
func TestUpdates(t *testing.T) {
	var calls []string
	sum := func(t ms, k any, vs []any, s any, has bool) (any, bool) {
		calls = append(calls, fmt.Sprintf("%v%v%v", k, vs, has))
		n := 0
		if has {
			n = s.(int)
		}
		for _, v := range vs {
			if v.(int) == 0 {
				return nil, false
			}
			n += v.(int)
		}
		return n, true
	}
	same := Plain[pair, ms]
	m1, p1 := Updates[pair](nil, grouped("b", []any{1}, "a", []any{2, 3}), 1, sum, same, nil)
	m2, p2 := Updates[pair](m1, grouped("c", []any{1}, "b", []any{0}), 2, sum, same, nil)
	_, p3 := Updates[pair](m2, grouped("b", []any{4}), 3, sum, same, nil)
	for i, c := range []struct {
		got  []any
		want string
	}{{p1, "[{b 1} {a 5}]"}, {p2, "[{a 5} {c 1}]"}, {p3, "[{a 5} {c 1} {b 4}]"}} {
		if s := fmt.Sprint(c.got); s != c.want {
			t.Errorf("batch %d: %s, want %s", i+1, s, c.want)
		}
	}
	if got, want := fmt.Sprint(calls), "[b[1]false a[2 3]false b[0]true a[]true c[1]false a[]true c[]true b[4]false]"; got != want {
		t.Errorf("calls %s, want %s", got, want)
	}
}

func TestElementsFirstStateWins(t *testing.T) {
	m := Elements[pair]([]any{pair{"a", 1}, pair{"b", 2}, pair{"a", 3}}, func(x any) { t.Fatalf("not a pair: %v", x) }, nil)
	var got []string
	m.Each(func(_ int32, k any, e Entry) { got = append(got, fmt.Sprint(e.State)) })
	if fmt.Sprint(got) != "[{a 1} {b 2}]" {
		t.Fatalf("%v, want [{a 1} {b 2}]", got)
	}
	var bad any
	func() {
		defer func() { recover() }()
		Elements[pair]([]any{pair{"a", 1}, "x"}, func(x any) { bad = x; panic("not a pair") }, nil)
	}()
	if bad != "x" {
		t.Fatalf("notPair called with %v, want x", bad)
	}
}

func TestPlain(t *testing.T) {
	type point struct{ X, Y int }
	n := 3
	for _, c := range []struct {
		a, b any
		same bool
	}{
		{1, 1, true}, {1, 2, false}, {1, int64(1), false}, {"a", "a", true},
		{ms(5), ms(5), true}, {ms(5), int64(5), false}, {2.5, 2.5, true},
		{pair{"a", 1}, pair{"a", 1}, true}, {pair{"a", 1}, pair{"a", 2}, false},
		{point{1, 2}, point{1, 2}, true}, {&n, &n, false}, {[]int{1}, []int{1}, false},
		{nil, nil, true}, {nil, 1, false},
	} {
		if got := Plain[pair, ms](c.a, c.b); got != c.same {
			t.Errorf("Plain(%#v, %#v) = %v, want %v", c.a, c.b, got, c.same)
		}
	}
}
