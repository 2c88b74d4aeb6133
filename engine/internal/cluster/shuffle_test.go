package cluster

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/gostream/gostream/engine/internal/codec"
	"github.com/gostream/gostream/engine/internal/shuffle"
)

func TestAccumulatorsOnTheWire(t *testing.T) {
	vals := []any{"x", 2}
	tests := []struct {
		name string
		acc  any
		want any // what comes back; acc when nil
	}{
		{"plain", 7, nil},
		{"cogroup", &shuffle.Groups{Left: []any{1, 2}, Right: []any{"a"}}, nil},
		{"cogroup with an empty side", &shuffle.Groups{Left: []any{1}}, &shuffle.Groups{Left: []any{1}, Right: []any{}}},
		{"values", &vals, nil},
	}
	c := &codec.Codec[pair, ms]{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, w := toWire[pair](tt.acc)
			data, err := c.Marshal([]any{kind, w})
			if err != nil {
				t.Fatal(err)
			}
			back, err := c.Unmarshal(data)
			if err != nil {
				t.Fatal(err)
			}
			got := fromWire[pair](back[0].(int), back[1])
			want := tt.want
			if want == nil {
				want = tt.acc
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("got %#v, want %#v", got, want)
			}
		})
	}
}

func TestJobRunShuffle(t *testing.T) {
	j, _ := startJob(t, testKafka(t))
	agg := &shuffle.Aggregator{Create: func(v any) any { return v }, Merge: func(a, v any) any { return a.(int) + v.(int) }, Combine: func(a, b any) any { return a.(int) + b.(int) }}
	// Two map tasks over input partitions 0 and 1, each writing its key to
	// reduce partition 0 and "z" to partition 1.
	var ran []int
	run := func(tb0 func(m int) *shuffle.Table) ShuffleRun {
		return ShuffleRun{Tasks: 2, Part: func(m int) int { return m }, Agg: agg,
			Write: func(m int) []*shuffle.Table {
				ran = append(ran, m)
				z := shuffle.NewTable(agg)
				z.Add("z", 1)
				return []*shuffle.Table{tb0(m), z}
			},
			Out: func(k, acc any) any { return fmt.Sprintf("%v=%v", k, acc) },
			Run: func(n int, task func(i int) error) {
				for i := range n {
					if err := task(i); err != nil {
						panic(err)
					}
				}
			}}
	}
	keyed := func(m int) *shuffle.Table {
		tb := shuffle.NewTable(agg)
		tb.Add(fmt.Sprint("k", m), m+1)
		return tb
	}
	for _, batch := range []int64{1100, 1200} {
		j.Begin(batch)
		s := run(keyed)
		s.Time = batch
		parts, err := j.RunShuffle("r-1", 2, s)
		want := "[[] []]" // the batch's own map output is not committed yet
		if batch == 1200 {
			want = "[[k0=1 k1=2] [z=2]]"
		}
		if err != nil || fmt.Sprint(parts) != want {
			t.Fatalf("batch %d: got %v, %v; want %s", batch, parts, err, want)
		}
		j.End(batch, nil)
	}
	if fmt.Sprint(ran) != "[0 1 0 1]" {
		t.Fatalf("the map tasks run: got %v", ran)
	}

	j.Begin(1300)
	s := run(func(int) *shuffle.Table {
		tb := shuffle.NewTable(agg)
		tb.Add("c", make(chan int))
		return tb
	})
	s.Time = 1300
	defer func() {
		err, _ := recover().(error)
		if err == nil || err.Error() != "a key or value cannot be sent between the members: "+errors.Unwrap(err).Error() {
			t.Fatalf("a value the codec cannot encode: got %v", err)
		}
		j.End(1300, err)
	}()
	j.RunShuffle("r-1", 2, s)
	t.Fatal("RunShuffle: a map task's error did not fail its tasks")
}
