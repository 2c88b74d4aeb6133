package exec

import (
	"fmt"
	"strings"
	"testing"
)

type pair struct{ k, v any }

type failure string

var ad = Adapter[pair, int64]{
	PairName: "exec.pair",
	Elem:     func(op string, x any, want string) { panic(failure(fmt.Sprintf("%s: %T where %s", op, x, want))) },
	Shape:    func(op, format string, args ...any) { panic(failure(op + ": " + fmt.Sprintf(format, args...))) },
	Key: func(op string, key, r any) {
		if r != nil {
			panic(failure(fmt.Sprintf("%s: key %v: %v", op, key, r)))
		}
	},
}

func failed(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = string(r.(failure))
		}
	}()
	f()
	return ""
}

// Common shapes are called directly, others by reflection, with the same
// results; a wrong shape and a wrong element are reported through Shape and
// Elem.
func TestAdapter(t *testing.T) {
	if got := ad.Unary("Map", func(s string) pair { return pair{s, 1} })("a"); got != (pair{"a", 1}) {
		t.Errorf("func(string) P: %v", got)
	}
	if got := ad.Unary("Map", func(s []byte) int { return len(s) })([]byte("abc")); got != 3 {
		t.Errorf("by reflection: %v", got)
	}
	var words []any
	ad.Expander("FlatMap", strings.Fields)("a b", func(x any) { words = append(words, x) })
	if fmt.Sprint(words) != "[a b]" {
		t.Errorf("expander: %v", words)
	}
	if !ad.Predicate("Filter", func(p pair) bool { return p.v == 1 })(pair{"a", 1}) {
		t.Error("func(P) bool")
	}
	r := ad.Reducer("ReduceByKey", func(a, b int) int { return a + b })
	if r.IntFn == nil || r.F(2, 3) != 5 {
		t.Errorf("func(int, int) int: %+v", r)
	}
	if got := ad.Reducer("Reduce", func(a, b uint8) uint8 { return a + b }).F(uint8(2), uint8(3)); got != uint8(5) {
		t.Errorf("by reflection: %v", got)
	}
	if msg := failed(func() { ad.Unary("Map", func(a, b int) int { return a }) }); msg != "Map: want a func(T) U of one argument and one result, got func(int, int) int" {
		t.Errorf("wrong shape: %q", msg)
	}
	if msg := failed(func() { ad.Unary("Map", func(p pair) pair { return p })("x") }); msg != "Map: string where exec.pair" {
		t.Errorf("wrong element: %q", msg)
	}
	if msg := failed(func() { ad.Less("SortBy", func(a, b int) bool { return a < b })(1, "2") }); msg != "SortBy: string where int" {
		t.Errorf("wrong element by a comparison: %q", msg)
	}
}

// A state update of a common shape and one called by reflection give the
// same states; a panic names the key.
func TestAdapterUpdate(t *testing.T) {
	sum := func(vs []int, s *int) *int {
		n := 0
		if s != nil {
			n = *s
		}
		for _, v := range vs {
			n += v
		}
		return &n
	}
	type count struct{ n int }
	byReflection := func(t int64, k string, vs []int, s *count) *count {
		c := count{int(t)}
		if s != nil {
			c.n += s.n
		}
		for _, v := range vs {
			c.n += v
		}
		return &c
	}
	f := ad.Update("UpdateStateByKey", sum, "an update")
	if st, keep := f(0, "a", []any{1, 2}, 4, true); !keep || st != 7 {
		t.Errorf("func([]int, *int) *int: %v %v", st, keep)
	}
	g := ad.Update("UpdateStateByKey", byReflection, "an update")
	if st, keep := g(100, "a", []any{1, 2}, nil, false); !keep || st != (count{103}) {
		t.Errorf("by reflection: %v %v", st, keep)
	}
	removes := ad.Update("UpdateStateByKey", func(vs []int, s *int) *int { return nil }, "an update")
	if _, keep := removes(0, "a", nil, 1, true); keep {
		t.Error("a nil state keeps the key")
	}
	if msg := failed(func() {
		ad.Update("UpdateStateByKey", func(vs []int, s *int) *int { panic("boom") }, "an update")(0, "k", nil, 0, false)
	}); msg != "UpdateStateByKey: key k: boom" {
		t.Errorf("panic: %q", msg)
	}
	if msg := failed(func() { ad.Update("UpdateStateByKey", func(vs []int) int { return 0 }, "an update") }); msg != "UpdateStateByKey: want an update, got func([]int) int" {
		t.Errorf("wrong shape: %q", msg)
	}
}

type st struct{ n int }

// A mapping function of a common shape and one called by reflection map
// alike; a panic goes to the guard with the key and the value.
func TestAdapterMapState(t *testing.T) {
	var guarded []any
	guard := func(key, value any, has bool, r any) {
		if r != nil {
			guarded = append(guarded, key, value, has)
			panic(failure(fmt.Sprint(r)))
		}
	}
	common := MapState[pair, int64, *st](ad, "MapWithState", "StateSpecFunc", func(k string, v *int, s *st) int {
		s.n += *v
		return s.n
	}, "a mapping", guard)
	s := &st{}
	common(0, "a", 2, true, s)
	if r, emit := common(0, "a", 3, true, s); r != 5 || !emit {
		t.Errorf("common shape: %v %v", r, emit)
	}
	withTime := MapState[pair, int64, *st](ad, "MapWithState", "StateSpecFunc", func(t int64, k string, v *float64, s *st) (string, bool) {
		return fmt.Sprintf("%d %s %v", t, k, v == nil), t > 0
	}, "a mapping", guard)
	if r, emit := withTime(7, "k", nil, false, s); r != "7 k true" || !emit {
		t.Errorf("by reflection: %v %v", r, emit)
	}
	if _, emit := withTime(0, "k", 1.5, true, s); emit {
		t.Error("by reflection: false emitted")
	}
	panics := MapState[pair, int64, *st](ad, "MapWithState", "StateSpecFunc", func(k string, v *int, s *st) int { panic("boom") }, "a mapping", guard)
	if msg := failed(func() { panics(0, "k", 1, true, s) }); msg != "boom" || fmt.Sprint(guarded) != "[k 1 true]" {
		t.Errorf("panic: %q, guard got %v", msg, guarded)
	}
	if msg := failed(func() {
		MapState[pair, int64, *st](ad, "MapWithState", "StateSpecFunc", func(k string, v int, s *st) int { return 0 }, "a mapping", guard)
	}); msg != "StateSpecFunc: want a mapping, got func(string, int, *exec.st) int" {
		t.Errorf("wrong shape: %q", msg)
	}
}
