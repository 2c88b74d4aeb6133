package action

import (
	"fmt"
	"math"
	"reflect"
	"testing"
)

func each(xs ...any) func(func(any)) {
	return func(emit func(any)) {
		for _, x := range xs {
			emit(x)
		}
	}
}

func sum(a, b any) any { return a.(int) + b.(int) }

func noFail(t *testing.T) func(r, x any) {
	return func(r, x any) { t.Fatalf("fail(%v, %v)", r, x) }
}

func TestFoldCountsZeroPerPartitionPlusOne(t *testing.T) {
	accs := []any{
		FoldPartition(each(1, 2), 10, sum, noFail(t)),
		FoldPartition(each(), 10, sum, noFail(t)),
	}
	if got := Fold(accs, 10, sum, noFail(t)); got != 33 {
		t.Errorf("got %v, want 33 (10+1+2, 10, then 10 again)", got)
	}
}

func TestReduceSkipsEmptyPartitions(t *testing.T) {
	concat := func(a, b any) any { return fmt.Sprint(a, b) }
	parts := []Partial{
		ReducePartition(each(), concat, noFail(t)),
		ReducePartition(each("a", "b"), concat, noFail(t)),
		ReducePartition(each("c"), concat, noFail(t)),
	}
	if got, ok := Reduce(parts, concat, noFail(t)); !ok || got != "abc" {
		t.Errorf("got %v, %v, want abc, true", got, ok)
	}
	if _, ok := Reduce([]Partial{{}, {}}, concat, noFail(t)); ok {
		t.Error("Reduce of empty partitions found a result")
	}
}

func TestFailNamesTheElement(t *testing.T) {
	var got any
	func() {
		defer func() { recover() }()
		ReducePartition(each(1, "x"), sum, func(r, x any) { got = x; panic(r) })
	}()
	if got != "x" {
		t.Errorf("fail got element %v, want x", got)
	}
}

func TestStatsMergeMatchesOnePass(t *testing.T) {
	number := func(x any) (float64, bool) { f, ok := x.(float64); return f, ok }
	all := StatsPartition(each(1.0, 2.0, 4.0, 8.0, 16.0), number, func(any) { t.Fatal("not a number") })
	a := StatsPartition(each(1.0, 2.0), number, nil)
	b := StatsPartition(each(4.0, 8.0, 16.0), number, nil)
	var merged Stats
	merged.Merge(Stats{})
	merged.Merge(a)
	merged.Merge(b)
	if merged.N != all.N || merged.Sum != all.Sum || math.Abs(merged.Mean-all.Mean) > 1e-12 || math.Abs(merged.M2-all.M2) > 1e-9 {
		t.Errorf("merged %+v, one pass %+v", merged, all)
	}
	if v := all.Variance(); math.Abs(v-29.76) > 1e-9 {
		t.Errorf("Variance = %v, want 29.76", v)
	}
	if v := all.SampleVariance(); math.Abs(v-37.2) > 1e-9 {
		t.Errorf("SampleVariance = %v, want 37.2", v)
	}
	var empty Stats
	if !math.IsNaN(empty.MeanOrNaN()) || !math.IsNaN(empty.Variance()) || !math.IsNaN(StatsPartition(each(1.0), number, nil).SampleVariance()) {
		t.Error("empty statistics are not NaN")
	}
}

func TestEqualKeys(t *testing.T) {
	cmp := func(a, b any) int {
		if reflect.DeepEqual(a, b) {
			return 0
		}
		return 1
	}
	tests := []struct {
		a, b any
		want bool
	}{
		{1, 1, true}, {1, "1", false}, {1, int64(1), false},
		{[]int{1}, []int{1}, true}, {[]int{1}, []int{2}, false},
	}
	for _, tt := range tests {
		if got := EqualKeys(tt.a, tt.b, cmp); got != tt.want {
			t.Errorf("EqualKeys(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
