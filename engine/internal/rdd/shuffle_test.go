package rdd

import (
	"reflect"
	"testing"

	"github.com/gostream/gostream/engine/internal/shuffle"
)

func sumAgg() *shuffle.Aggregator {
	return &shuffle.Aggregator{IntFn: func(a, b int) int { return a + b }, Sum: true, NotInt: func(v any) { panic(v) }}
}

func hash(k any) uint64 { return shuffle.Hash[pair, int64](k) }

func pairOut(k, acc any) any { return pair{k, acc} }

func noFail(r any) {
	if r != nil {
		panic(r)
	}
}

// counted is the shuffle counting the elements of parts by value.
func counted(parts [][]any, feed Feed, typed bool, colsOut bool) *Data[pair] {
	env := &Env{}
	in := Of[pair](env, run, parts)
	if typed {
		// A typed path that agrees with the elements, as a fused FlatMap's.
		in = New[pair](env, run, len(parts), nil, func(p int, emit func(any)) {
			for _, x := range parts[p] {
				emit(x)
			}
		})
		in.Strs = func(p int, emit func(string)) {
			for _, x := range parts[p] {
				emit(x.(string))
			}
		}
	}
	out := New[pair](env, run, 2, []*Data[pair]{in}, nil)
	out.Shuffle([]func(any) (any, any){func(x any) (any, any) { return x, 1 }}, sumAgg(), feed, hash, pairOut, noFail)
	out.ColsOut = colsOut
	return out
}

func TestShuffleCountsByKey(t *testing.T) {
	words := [][]any{{"a", "b", "a"}, {"c", "a"}, {"b"}}
	want := map[any]int{"a": 3, "b": 2, "c": 1}
	tests := []struct {
		name     string
		feed     Feed
		typed    bool
		colsOut  bool
		wantCols bool
	}{
		{name: "boxed", feed: Split},
		{name: "typed feed", feed: FeedElems, typed: true},
		{name: "typed input, boxed feed", feed: Split, typed: true},
		{name: "columns", feed: FeedElems, typed: true, colsOut: true, wantCols: true},
	}
	var first [][]any
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := counted(words, tc.feed, tc.typed, tc.colsOut)
			got := d.Partitions()
			if (d.Cols != nil) != tc.wantCols {
				t.Fatalf("in columns: got %v, want %v", d.Cols != nil, tc.wantCols)
			}
			counts := map[any]int{}
			for q, part := range got {
				for _, x := range part {
					kv := x.(pair)
					if shuffle.Partition[pair, int64](kv.Key, 2) != q {
						t.Errorf("key %v in partition %d", kv.Key, q)
					}
					counts[kv.Key] += kv.Value.(int)
				}
			}
			if !reflect.DeepEqual(counts, want) {
				t.Fatalf("got %v, want %v", counts, want)
			}
			if first == nil {
				first = got
			} else if !reflect.DeepEqual(got, first) {
				t.Fatalf("got %v, want the boxed path's %v", got, first)
			}
		})
	}
}

func TestShuffleColumnsFallBackForOtherKeys(t *testing.T) {
	d := counted([][]any{{"a", 1, "a"}}, Split, false, true)
	got := d.Partitions()
	if d.Cols != nil {
		t.Fatal("a shuffle with an int key kept columns")
	}
	n := 0
	for _, part := range got {
		n += len(part)
	}
	if n != 2 {
		t.Fatalf("got %d keys, want 2: %v", n, got)
	}
}

func TestMapTasksCoverEveryInputPartition(t *testing.T) {
	env := &Env{}
	a, b := Of[pair](env, run, [][]any{{1}, {2}}), Of[pair](env, run, [][]any{{3}})
	d := New[pair](env, run, 1, []*Data[pair]{a, b}, nil)
	left := func(x any) (any, any) { return x, "left" }
	right := func(x any) (any, any) { return x, "right" }
	tasks := d.MapTasks([]func(any) (any, any){left, right})
	if len(tasks) != 3 {
		t.Fatalf("got %d tasks, want 3", len(tasks))
	}
	for i, want := range []struct {
		in   *Data[pair]
		part int
		side string
	}{{a, 0, "left"}, {a, 1, "left"}, {b, 0, "right"}} {
		task := tasks[i]
		if _, side := task.Split(nil); task.In != want.in || task.Part != want.part || side != want.side {
			t.Errorf("task %d: got partition %d of %p (%v), want %d of %p (%v)", i, task.Part, task.In, side, want.part, want.in, want.side)
		}
	}
}
