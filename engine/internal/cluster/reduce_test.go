package cluster

import (
	"reflect"
	"testing"
)

func rec(off int64, t int64, m int, last bool, data string) Record {
	return Record{Offset: off, Value: data, Headers: MapHeaders(t, m, last)}
}

func groups(gs [][]Held) [][]string {
	var out [][]string
	for _, g := range gs {
		var s []string
		for _, h := range g {
			s = append(s, string(h.Data))
		}
		out = append(out, s)
	}
	return out
}

// A batch is complete once every map task's marker of it (or a later
// one) was read; Take hands over the complete batches' records, each
// batch apart or all together, and Commit says where a new owner starts.
func TestReducer(t *testing.T) {
	r := NewReducer(0, Offset{}, false, 2)
	if err := r.Read([]Record{
		rec(0, 100, 0, false, "a"), rec(1, 100, 0, true, "b"),
		rec(2, 100, 1, true, "c"),
		rec(3, 200, 0, true, "d"),
	}, 4); err != nil {
		t.Fatal(err)
	}
	if got := groups(r.Take(true)); !reflect.DeepEqual(got, [][]string{{"a", "b", "c"}}) {
		t.Fatalf("batch 100 complete, 200 waits for task 1: got %v", got)
	}
	o, moved := r.Commit("topic", 3)
	if !moved || o.At != 3 || o.Metadata != "done=100" || o.Partition != 3 {
		t.Fatalf("Commit = %+v %v, want offset 3 (the first record held) with done=100", o, moved)
	}
	r.Committed()
	if _, moved := r.Commit("topic", 3); moved {
		t.Fatal("Commit moved without a Take")
	}
	// Task 1 skips batch 200 (its partitions moved) and marks 300.
	if err := r.Read([]Record{rec(4, 300, 1, true, "e"), rec(5, 300, 0, true, "f")}, 6); err != nil {
		t.Fatal(err)
	}
	if got := groups(r.Take(true)); !reflect.DeepEqual(got, [][]string{{"d"}, {"e", "f"}}) {
		t.Fatalf("batches 200 and 300 apart: got %v", got)
	}
	if o, _ := r.Commit("topic", 3); o.At != 6 || o.Metadata != "done=300" {
		t.Fatalf("Commit = %+v, want 6 with done=300", o)
	}

	// A new owner starts from the committed offset and skips what was done.
	n := NewReducer(0, Offset{At: 3, Metadata: "done=100"}, true, 2)
	if n.Pos() != 3 {
		t.Fatalf("Pos = %d", n.Pos())
	}
	n.Read([]Record{rec(3, 200, 0, true, "d"), rec(4, 300, 1, true, "e"), rec(5, 300, 0, true, "f"), rec(6, 100, 1, true, "old")}, 7)
	if got := groups(n.Take(false)); !reflect.DeepEqual(got, [][]string{{"d", "e", "f"}}) {
		t.Fatalf("batches 200 and 300 together, batch 100 skipped: got %v", got)
	}
	if err := n.Read([]Record{{Offset: 9, Headers: map[string]string{HeaderBatch: "1"}}}, 10); err == nil {
		t.Fatal("a record without a map task was taken")
	}
}
