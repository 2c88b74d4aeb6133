package console

import (
	"fmt"
	"testing"
)

func TestBatch(t *testing.T) {
	head := "-------------------------------------------\nTime: 1000 ms\n-------------------------------------------\n"
	tests := []struct {
		name  string
		first []any
		n     int
		want  string
	}{
		{name: "empty", n: 10, want: head + "\n"},
		{name: "fewer than n", first: []any{"a", 1}, n: 10, want: head + "<a>\n<1>\n\n"},
		{name: "exactly n", first: []any{"a", "b"}, n: 2, want: head + "<a>\n<b>\n\n"},
		{name: "more than n", first: []any{"a", "b", "c"}, n: 2, want: head + "<a>\n<b>\n...\n\n"},
		{name: "none shown", first: []any{"a"}, n: 0, want: head + "...\n\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Batch("1000 ms", tc.first, tc.n, func(x any) string { return fmt.Sprintf("<%v>", x) })
			if got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		num  []int
		want int
		err  string
	}{
		{nil, 10, ""},
		{[]int{0}, 0, ""},
		{[]int{3}, 3, ""},
		{[]int{-1}, 0, "want a non-negative number of elements, got -1"},
		{[]int{1, 2}, 0, "want at most one number of elements, got 2 arguments"},
	} {
		n, err := Count(tc.num)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if n != tc.want || got != tc.err {
			t.Errorf("Count(%v) = %d, %q; want %d, %q", tc.num, n, got, tc.want, tc.err)
		}
	}
}
