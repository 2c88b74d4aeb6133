package queue

import (
	"reflect"
	"sync"
	"testing"
)

func TestTake(t *testing.T) {
	tests := []struct {
		name   string
		pushed []int
		one    bool
		want   []int
		left   int
	}{
		{"one of three", []int{1, 2, 3}, true, []int{1}, 2},
		{"all of three", []int{1, 2, 3}, false, []int{1, 2, 3}, 0},
		{"one of none", nil, true, nil, 0},
		{"all of none", nil, false, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var q Queue[int]
			for _, x := range tc.pushed {
				q.Push(x)
			}
			got := q.Take(tc.one)
			if !reflect.DeepEqual(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if q.Len() != tc.left {
				t.Errorf("%d left, want %d", q.Len(), tc.left)
			}
		})
	}
}

// TestTakeOneDoesNotAlias checks that a taken item is not overwritten by a
// later push.
func TestTakeOneDoesNotAlias(t *testing.T) {
	var q Queue[int]
	q.Push(1)
	q.Push(2)
	first := q.Take(true)
	q.Push(3)
	first = append(first, 9)
	if got := q.Take(false); !reflect.DeepEqual(got, []int{2, 3}) {
		t.Errorf("queue after a take and a push: %v, want [2 3]", got)
	}
}

func TestConcurrentPushTake(t *testing.T) {
	var q Queue[int]
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				q.Push(i)
			}
		}()
	}
	n := 0
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for {
		select {
		case <-done:
			n += len(q.Take(false))
			if n != 4000 {
				t.Fatalf("took %d items, want 4000", n)
			}
			return
		default:
			n += len(q.Take(true))
		}
	}
}
