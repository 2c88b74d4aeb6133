package cluster

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// batch is a stream's RDD in the tests of Streams: computed, or made of
// what a window store held.
type batch struct {
	name  string
	parts [][]any
}

func (b *batch) String() string { return fmt.Sprint(b.name, b.parts) }

type streamsTest struct {
	computed []string        // "i@t", every Compute call
	ready    []string        // the shuffles materialized
	fail     map[string]bool // Compute of these panics
}

func (st *streamsTest) hooks() Hooks[*batch] {
	return Hooks[*batch]{
		Compute: func(i int, t int64) (*batch, bool) {
			name := fmt.Sprintf("%d@%d", i, t)
			st.computed = append(st.computed, name)
			if st.fail[name] {
				panic("compute " + name)
			}
			return &batch{name, [][]any{{name + "/0"}, {name + "/1"}}}, true
		},
		Valid: func(i int, t int64) bool { return t%100 == 0 },
		Parts: func(b *batch) (int, func(q int) []any) {
			return len(b.parts), func(q int) []any { return b.parts[q] }
		},
		Batch: func(i int, t int64, parts [][]any) *batch { return &batch{fmt.Sprintf("stored %d@%d", i, t), parts} },
		Panic: func(op string, p any) error { return fmt.Errorf("%s panicked: %v", op, p) },
		Error: func(op string, err error) error { return fmt.Errorf("%s: %w", op, err) },
	}
}

func TestStreamsKeepWindowParents(t *testing.T) {
	brokers := testKafka(t)
	j, _ := startJob(t, brokers)
	st := &streamsTest{}
	s := NewStreams(j, st.hooks())
	if !s.Windowed(0) || s.Windowed(1) {
		t.Fatal("Windowed: want stream 0 only, the window's parent")
	}
	slice := func(from, to int64) string {
		t.Helper()
		out, err := s.Slice(0, from, to, 100, 1000)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(out)
	}
	s.Begin(1100)
	if got := slice(1000, 1100); got != "[0@1100[[0@1100/0] [0@1100/1]]]" {
		t.Fatalf("batch 1100: got %s, want the running batch computed, none at the zero time", got)
	}
	s.Made("ReduceByKey", func() { st.ready = append(st.ready, "shuffle") })
	s.End(1100, nil)
	// A batch no window reads is kept too.
	s.Begin(1200)
	s.End(1200, nil)
	s.Begin(1300)
	want := "[stored 0@1100[[0@1100/0] [0@1100/1]] stored 0@1200[[0@1200/0] [0@1200/1]] 0@1300[[0@1300/0] [0@1300/1]]]"
	if got := slice(1100, 1300); got != want {
		t.Fatalf("batch 1300: got %s, want %s", got, want)
	}
	s.End(1300, nil)
	if !slices.Equal(st.ready, []string{"shuffle"}) {
		t.Fatalf("the shuffles made, materialized: got %v, want [shuffle] once", st.ready)
	}
	j.Close()

	// Another member restores the batches still in the longest window
	// (300 ms): 1100 has left it.
	j2, lines := startJob(t, brokers)
	st2 := &streamsTest{}
	s = NewStreams(j2, st2.hooks())
	s.Begin(1400)
	want = "[stored 0@1200[[0@1200/0] [0@1200/1]] stored 0@1300[[0@1300/0] [0@1300/1]] 0@1400[[0@1400/0] [0@1400/1]]]"
	if got := slice(1100, 1400); got != want {
		t.Fatalf("restored: got %s, want %s", got, want)
	}
	s.End(1400, nil)

	// A failing shuffle or window parent aborts the batch.
	st2.fail = map[string]bool{"0@1600": true}
	s.Begin(1500)
	s.Made("ReduceByKey", func() { panic("broken") })
	s.End(1500, nil)
	s.Begin(1600)
	s.End(1600, nil)
	j2.Close()
	for _, want := range []string{"aborted batch 1500 ms: ReduceByKey panicked: broken", "aborted batch 1600 ms: KafkaStream panicked: compute 0@1600"} {
		if !slices.ContainsFunc(*lines, func(l string) bool { return strings.HasSuffix(l, want) }) {
			t.Fatalf("the log: got %q, want a line ending %q", *lines, want)
		}
	}
}

func TestJobRanges(t *testing.T) {
	brokers := testKafka(t)
	produce(t, brokers, 0, "a", "b", "c")
	produce(t, brokers, 1, "d", "e")
	j, _ := startJob(t, brokers)
	j.Begin(1100)
	// 10 records a second over a batch of 100 ms: at least one a partition.
	ranges, n := j.Ranges([]string{"in"}, true, 10)
	if fmt.Sprint(ranges) != "[{in 0 0 1} {in 1 0 1}]" || n != 2 {
		t.Fatalf("capped: got %v, %d offsets", ranges, n)
	}
	j.End(1100, nil)
	j.Begin(1200)
	if ranges, n = j.Ranges([]string{"in"}, true, 0); fmt.Sprint(ranges) != "[{in 0 1 3} {in 1 1 2}]" || n != 3 {
		t.Fatalf("uncapped: got %v, %d offsets", ranges, n)
	}
	j.End(1200, nil)
}
