package engine

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"
	"time"
)

// TestTypedWindowMatchesGeneric runs the incremental window over string
// keys and int values twice: with Sum and Diff, which take the typed path
// (engine/internal/window's Merge.Typed), and with the same arithmetic as func(any, any) any,
// which takes the generic one. Every window must print the same elements
// in the same order, with keys leaving the window, coming back after they
// were filtered out, and batches that leave while their key is gone.
func TestTypedWindowMatchesGeneric(t *testing.T) {
	const batches = 30
	rng := rand.New(rand.NewSource(7))
	var input [][]any
	for i := 0; i < batches; i++ {
		var b []any
		if rng.Intn(6) > 0 {
			for j := rng.Intn(12); j > 0; j-- {
				// Keys of up to 30 bytes: some compared in the index entry,
				// some in full.
				k := fmt.Sprintf("%c%s", 'a'+rng.Intn(9), string(make([]byte, rng.Intn(3)*10)))
				b = append(b, KV(k, rng.Intn(5)-2))
			}
		}
		input = append(input, b)
	}
	sum := func(a, b any) any { return a.(int) + b.(int) }
	diff := func(a, b any) any { return a.(int) - b.(int) }
	for _, ws := range [][2]int{{1, 1}, {3, 1}, {4, 2}, {3, 2}, {2, 3}, {6, 3}} {
		window, slide := time.Duration(ws[0])*time.Second, time.Duration(ws[1])*time.Second
		for _, tasks := range []int{1, 3} {
			t.Run(fmt.Sprintf("window=%v/slide=%v/tasks=%d", window, slide, tasks), func(t *testing.T) {
				ssc := newTestContext(t)
				q := NewQueue()
				in := ssc.QueueStream(q, true)
				typed, generic := map[Time][]string{}, map[Time][]string{}
				nonZero := FilterFunc(func(p Pair) bool { return p.Value != 0 })
				record(in.ReduceByKeyAndWindow(Sum, window, slide, Inverse(Diff), NumTasks(tasks), nonZero), typed)
				record(in.ReduceByKeyAndWindow(sum, window, slide, Inverse(diff), NumTasks(tasks), nonZero), generic)
				typedAll, genericAll := map[Time][]string{}, map[Time][]string{}
				record(in.ReduceByKeyAndWindow(Sum, window, slide, Inverse(Diff), NumTasks(tasks)), typedAll)
				record(in.ReduceByKeyAndWindow(sum, window, slide, Inverse(diff), NumTasks(tasks)), genericAll)
				for _, b := range input {
					q.Push(b...)
				}
				if err := ssc.Start(); err != nil {
					t.Fatal(err)
				}
				if err := ssc.Advance(batches * time.Second); err != nil {
					t.Fatal(err)
				}
				windows := 0
				for bt, want := range generic {
					windows++
					if got := typed[bt]; !slices.Equal(got, want) {
						t.Errorf("filtered window at %s: typed path %q, generic path %q", bt, got, want)
					}
					if got, want := typedAll[bt], genericAll[bt]; !slices.Equal(got, want) {
						t.Errorf("window at %s: typed path %q, generic path %q", bt, got, want)
					}
				}
				if windows != batches/ws[1] {
					t.Errorf("%d windows, want %d", windows, batches/ws[1])
				}
			})
		}
	}
}

// record keeps every RDD of d as its elements formatted, partition by
// partition.
func record(d *DStream, into map[Time][]string) {
	d.ForeachRDD(func(r *RDD, t Time) {
		var out []string
		for p, part := range r.Partitions() {
			for _, x := range part {
				out = append(out, fmt.Sprintf("%d:%s", p, Format(x)))
			}
		}
		into[t] = out
	})
}
