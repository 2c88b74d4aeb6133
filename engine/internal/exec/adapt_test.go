package exec

import (
	"fmt"
	"strings"
	"testing"
)

type pair struct{ k, v any }

type failure string

var ad = Adapter[pair]{
	PairName: "exec.pair",
	Elem:     func(op string, x any, want string) { panic(failure(fmt.Sprintf("%s: %T where %s", op, x, want))) },
	Shape:    func(op, format string, args ...any) { panic(failure(op + ": " + fmt.Sprintf(format, args...))) },
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
