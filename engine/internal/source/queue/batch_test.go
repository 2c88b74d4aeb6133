package queue

import (
	"reflect"
	"testing"
)

func TestBatch(t *testing.T) {
	var q Queue[[]int]
	rdd := func(xs []int) ([]int, int) { return xs, len(xs) }
	union := func(rs [][]int) []int {
		var out []int
		for _, r := range rs {
			out = append(out, r...)
		}
		return out
	}
	if _, _, ok := Batch(&q, false, rdd, union); ok {
		t.Fatal("an empty queue made a batch")
	}
	q.Push([]int{1, 2})
	q.Push([]int{3})
	q.Push(nil)
	if r, n, ok := Batch(&q, true, rdd, union); !ok || n != 2 || !reflect.DeepEqual(r, []int{1, 2}) {
		t.Fatalf("one at a time: got %v, %d, %v", r, n, ok)
	}
	if r, n, ok := Batch(&q, false, rdd, union); !ok || n != 1 || !reflect.DeepEqual(r, []int{3}) {
		t.Fatalf("the rest: got %v, %d, %v", r, n, ok)
	}
	if q.Len() != 0 {
		t.Fatalf("%d left", q.Len())
	}
}
