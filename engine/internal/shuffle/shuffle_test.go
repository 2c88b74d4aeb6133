package shuffle

import (
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
