package shuffle

import (
	"fmt"
	"reflect"
	"testing"
)

type pair struct{ Key, Value any }

func hashOf(k any) uint64 { return Hash[pair, int64](k) }

// A records shuffle keeps every record, in map-task order and in order
// within a task, and combines nothing.
func TestRecordsKeepOrder(t *testing.T) {
	agg := &Aggregator{Records: true}
	in := [][]pair{
		{{"a", 1}, {"b", 2}, {"a", 3}, {7, 4}},
		{{"b", 5}, {"a", 6}, {7, 7}},
	}
	const n = 2
	written := make([][]*Table, len(in))
	for m, recs := range in {
		w := NewWriter(agg, n, hashOf)
		for _, r := range recs {
			w.Write(r.Key, r.Value)
		}
		written[m] = w.Tables()
	}
	got := make([][]pair, n)
	for q := 0; q < n; q++ {
		tb := Read(agg, written, q)
		for i := 0; i < tb.Len(); i++ {
			got[q] = append(got[q], pair{tb.Key(i), tb.Acc(i)})
		}
		tb.Release()
	}
	want := make([][]pair, n)
	for _, recs := range in {
		for _, r := range recs {
			q := Partition[pair, int64](r.Key, n)
			want[q] = append(want[q], r)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("records shuffle:\n got %v\nwant %v", got, want)
	}
}

// Position keys are their own hash: position i goes to partition i mod n.
func TestPositionRoundRobin(t *testing.T) {
	for i := 0; i < 10; i++ {
		if q := Partition[pair, int64](Position(i), 3); q != i%3 {
			t.Fatalf("Position(%d) went to partition %d, want %d", i, q, i%3)
		}
	}
}

// TestWriterOrder checks that writes the Writer holds (string keys, int
// values) and writes it adds at once (any other key) end up in the tables
// in the order written, with the values of each key combined, as adding
// every write at once gives; and that Merge keeps that order.
func TestWriterOrder(t *testing.T) {
	agg := &Aggregator{IntFn: func(a, b int) int { return a*10 + b }, NotInt: func(v any) { panic(v) }}
	words := zipfWords(5000, 300)
	type kv struct {
		k any
		v int
	}
	var writes []kv
	for i, w := range words {
		switch i % 97 {
		case 5:
			writes = append(writes, kv{i % 7, i % 3}) // an int key: added at once
		case 11:
			writes = append(writes, kv{w, i % 3}) // a boxed string through Write
		default:
			writes = append(writes, kv{w, i % 3})
		}
	}
	// want: the tables as adding each write at once fills them.
	const n = 3
	want := make([]*Table, n)
	for q := range want {
		want[q] = &Table{agg: agg}
	}
	w := NewWriter(agg, n, hashOf)
	for i, x := range writes {
		want[Partition[pair, int64](x.k, n)].Add(x.k, x.v)
		switch s, ok := x.k.(string); {
		case !ok || i%97 == 11:
			w.Write(x.k, x.v)
		case i%2 == 0:
			w.WriteStrInt(s, x.k, x.v)
		default:
			w.WriteStrInt(s, nil, x.v)
		}
	}
	got := w.Tables()
	for q := range n {
		if got[q].Len() != want[q].Len() {
			t.Fatalf("partition %d: %d keys, want %d", q, got[q].Len(), want[q].Len())
		}
		for i := range want[q].Len() {
			if g, w := fmt.Sprint(got[q].Key(i), got[q].IntAcc(i)), fmt.Sprint(want[q].Key(i), want[q].IntAcc(i)); g != w {
				t.Fatalf("partition %d slot %d: %s, want %s", q, i, g, w)
			}
		}
	}
	// Merging a table into another gives what adding its keys after the
	// other's would, in order.
	merged := &Table{agg: agg}
	for i := range got[1].Len() {
		merged.Add(got[1].Key(i), got[1].IntAcc(i))
	}
	for i := range got[0].Len() {
		merged.Add(got[0].Key(i), got[0].IntAcc(i))
	}
	got[1].Merge(got[0])
	if got[1].Len() != merged.Len() {
		t.Fatalf("merged: %d keys, want %d", got[1].Len(), merged.Len())
	}
	for i := range merged.Len() {
		if g, w := fmt.Sprint(got[1].Key(i), got[1].IntAcc(i)), fmt.Sprint(merged.Key(i), merged.IntAcc(i)); g != w {
			t.Fatalf("merged slot %d: %s, want %s", i, g, w)
		}
	}
}

// TestWriterKeepsBoxedKey checks that a key written already boxed is
// output as that box, without boxing it again, and one written unboxed is
// boxed when output.
func TestWriterKeepsBoxedKey(t *testing.T) {
	agg := &Aggregator{IntFn: func(a, b int) int { return a + b }, Sum: true}
	w := NewWriter(agg, 1, nil)
	boxed := any(string([]byte("boxed")))
	w.WriteStrInt("boxed", boxed, 1)
	w.WriteStrInt("bare", nil, 1)
	tab := w.Tables()[0]
	var sink any
	if n := testing.AllocsPerRun(10, func() { sink = tab.Key(0) }); n != 0 {
		t.Errorf("Key of a key written boxed: %v allocations, want 0", n)
	}
	if n := testing.AllocsPerRun(10, func() { sink = tab.Key(1) }); n != 1 {
		t.Errorf("Key of a key written unboxed: %v allocations, want 1", n)
	}
	if sink != "bare" || tab.Key(0) != "boxed" {
		t.Errorf("keys %v, %v; want boxed, bare", tab.Key(0), tab.Key(1))
	}
}

// TestWriterFlushAfterFailure checks that a Writer whose IntFn panics
// while adding held writes holds none afterwards: a Flush on the way out
// of the failing task adds nothing twice.
func TestWriterFlushAfterFailure(t *testing.T) {
	calls := 0
	agg := &Aggregator{IntFn: func(a, b int) int {
		calls++
		panic("boom")
	}}
	w := NewWriter(agg, 1, nil)
	for range 3 {
		w.WriteStrInt("a", nil, 1)
	}
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Fatalf("recovered %v, want boom", r)
			}
		}()
		w.Flush()
	}()
	if !w.Tables()[0].InFn() {
		t.Errorf("InFn false after IntFn panicked")
	}
	w.Flush()
	if calls != 1 {
		t.Errorf("IntFn called %d times, want 1", calls)
	}
}

// TestWriterPartitions checks that every write reaches the hash
// partitioner's partition of its key, for powers of two and other counts.
func TestWriterPartitions(t *testing.T) {
	agg := &Aggregator{IntFn: func(a, b int) int { return a + b }, Sum: true, NotInt: func(v any) { panic(v) }}
	words := zipfWords(2000, 500)
	for _, n := range []int{1, 2, 3, 4, 5, 8} {
		w := NewWriter(agg, n, hashOf)
		for i, s := range words {
			if i%2 == 0 {
				w.WriteStrInt(s, nil, 1)
			} else {
				w.Write(s, 1)
			}
			w.Write(i%50, 1) // a key that is not a string
		}
		for q, tb := range w.Tables() {
			for i := range tb.Len() {
				k := tb.Key(i)
				if p := Partition[pair, int64](k, n); p != q {
					t.Fatalf("%d partitions: key %v in partition %d, the partitioner's is %d", n, k, q, p)
				}
				if s, ok := k.(string); ok && PartitionString(s, n) != q {
					t.Fatalf("%d partitions: key %q in partition %d, PartitionString's is %d", n, s, q, PartitionString(s, n))
				}
			}
		}
	}
}
