package order

import (
	"cmp"
	"fmt"
	"testing"
)

type pair struct{ Key, Value any }

func ints(a, b any) int { return cmp.Compare(a.(int), b.(int)) }

func each(xs ...any) func(func(any)) {
	return func(emit func(any)) {
		for _, x := range xs {
			emit(x)
		}
	}
}

func TestSmallestOfPartitions(t *testing.T) {
	tests := []struct {
		name string
		n    int
		c    func(a, b any) int
		want string
	}{
		{"smallest", 3, ints, "[1 2 3]"},
		{"largest", 2, Reverse(ints), "[9 8]"},
		{"more than there are", 10, ints, "[1 2 3 5 7 8 9]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			least := [][]any{Least(each(5, 9, 1, 7), tt.n, tt.c), Least(each(), tt.n, tt.c), Least(each(8, 3, 2), tt.n, tt.c)}
			if got := fmt.Sprint(Smallest(least, tt.n, tt.c)); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestFromLess(t *testing.T) {
	c := FromLess(func(a, b any) bool { return a.(int) < b.(int) }, func(r, x any) { t.Fatalf("fail(%v, %v)", r, x) })
	if c(1, 2) != -1 || c(2, 1) != 1 || c(2, 2) != 0 {
		t.Errorf("FromLess(<) gives %d %d %d, want -1 1 0", c(1, 2), c(2, 1), c(2, 2))
	}
	var failed any
	bad := FromLess(func(a, b any) bool { return a.(int) < b.(int) }, func(r, x any) { failed = x; panic(r) })
	func() {
		defer func() { recover() }()
		bad("x", 1)
	}()
	if failed != "x" {
		t.Errorf("fail got element %v, want x", failed)
	}
}

func TestSortByIsStable(t *testing.T) {
	all := []Keyed{{1, "a"}, {0, "b"}, {1, "c"}, {0, "d"}}
	if got := fmt.Sprint(SortBy[pair](append([]Keyed(nil), all...), true)); got != "[b d a c]" {
		t.Errorf("ascending: got %s, want [b d a c]", got)
	}
	if got := fmt.Sprint(SortBy[pair](all, false)); got != "[a c b d]" {
		t.Errorf("descending: got %s, want [a c b d]", got)
	}
}
