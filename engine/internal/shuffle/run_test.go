package shuffle

import (
	"fmt"
	"testing"
)

func noFailInt(t *testing.T) func(r any) {
	return func(r any) {
		if r != nil {
			t.Fatalf("failInt(%v)", r)
		}
	}
}

// WriteMap and ReducePart: values of a key are combined across map tasks,
// keys come out in the order first met, and take gets the table whole.
func TestWriteMapReducePart(t *testing.T) {
	agg := &Aggregator{IntFn: func(a, b int) int { return a + b }, Sum: true}
	const n = 1
	in := [][]string{{"b", "a", "b"}, {"c", "a"}}
	written := make([][]*Table, len(in))
	for m, words := range in {
		written[m] = WriteMap(agg, n, hashOf, func(w *Writer) {
			for _, s := range words {
				w.WriteStrInt(s, nil, 1)
			}
		}, noFailInt(t))
	}
	part := ReducePart(agg, written, 0, nil, func(k, acc any) any { return fmt.Sprint(k, "=", acc) }, noFailInt(t))
	if got := fmt.Sprint(part); got != "[b=2 a=2 c=1]" {
		t.Errorf("got %s, want [b=2 a=2 c=1]", got)
	}

	written[0] = WriteMap(agg, n, hashOf, func(w *Writer) { w.WriteStrInt("x", nil, 1) }, noFailInt(t))
	written = written[:1]
	var keys int
	part = ReducePart(agg, written, 0, func(t *Table) bool { keys = t.Len(); return true }, nil, noFailInt(t))
	if part != nil || keys != 1 {
		t.Errorf("take: got part %v and %d keys, want nil and 1", part, keys)
	}
}

// A panic of the int function inside a map task reaches failInt.
func TestWriteMapFailsIntFn(t *testing.T) {
	agg := &Aggregator{IntFn: func(a, b int) int { panic("boom") }}
	var got any
	func() {
		defer func() { recover() }()
		WriteMap(agg, 1, hashOf, func(w *Writer) {
			w.Write(1, 1)
			w.Write(1, 2)
		}, func(r any) {
			if r != nil {
				got = r
				panic(r)
			}
		})
	}()
	if got != "boom" {
		t.Errorf("failInt got %v, want boom", got)
	}
}
