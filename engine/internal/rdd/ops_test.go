package rdd

import (
	"cmp"
	"reflect"
	"testing"

	"github.com/gostream/gostream/engine/internal/shuffle"
)

func of(parts ...[]any) *Data[pair] { return Of[pair](&Env{}, run, parts) }

// collect is the partitions compute gives for n partitions.
func collect(n int, compute func(int, func(any))) [][]any {
	return New[pair](&Env{}, run, n, nil, compute).Partitions()
}

func TestOps(t *testing.T) {
	a, b := of([]any{1, 2}, []any{3}), of([]any{"x"}, nil, []any{"y", "z"})
	n, union := Union([]*Data[pair]{a, b})
	tests := []struct {
		name string
		got  [][]any
		want [][]any
	}{
		{"union", collect(n, union), [][]any{{1, 2}, {3}, {"x"}, nil, {"y", "z"}}},
		{"glom", collect(3, b.Glom()), [][]any{{[]any{"x"}}, {[]any{}}, {[]any{"y", "z"}}}},
		{"cartesian", collect(a.N*b.N, a.Cartesian(b)), [][]any{
			{pair{1, "x"}, pair{2, "x"}}, nil, {pair{1, "y"}, pair{1, "z"}, pair{2, "y"}, pair{2, "z"}},
			{pair{3, "x"}}, nil, {pair{3, "y"}, pair{3, "z"}},
		}},
		{"positions", collect(2, of([]any{"a", "b", "c"}, []any{"d", "e"}).Positions(3)), [][]any{
			{pair{shuffle.Position(0), "a"}, pair{shuffle.Position(1), "b"}, pair{shuffle.Position(2), "c"}},
			{pair{shuffle.Position(1), "d"}, pair{shuffle.Position(2), "e"}},
		}},
		{"zip with index", b.ZipWithIndex()(), [][]any{{pair{"x", 0}}, {}, {pair{"y", 1}, pair{"z", 2}}}},
		{"whole", collect(2, a.Whole(func(p int, part []any) []any { return append([]any{p}, part...) }, nil)), [][]any{{0, 1, 2}, {1, 3}}},
		{"sort by", of([]any{3, 1}, []any{2, 1}).SortBy(func(x any) any { return -x.(int) }, true)(), [][]any{{3, 2, 1, 1}}},
		{"sort by key", of([]any{pair{2, "a"}, pair{1, "b"}}, []any{pair{2, "c"}, pair{3, "d"}}).SortByKey(run, func(x, y any) int { return cmp.Compare(x.(int), y.(int)) }, 2, nil)(), [][]any{
			{pair{1, "b"}, pair{2, "a"}, pair{2, "c"}}, {pair{3, "d"}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !reflect.DeepEqual(tc.got, tc.want) {
				t.Fatalf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
}

func TestWholeHandsAPanicToFail(t *testing.T) {
	d := of([]any{1, 2})
	var got []any
	compute := d.Whole(func(int, []any) []any { panic("boom") }, func(r, part any) {
		got = []any{r, part}
		panic("failed")
	})
	defer func() {
		if r := recover(); r != "failed" {
			t.Fatalf("got panic %v, want fail's", r)
		}
		if want := []any{"boom", []any{1, 2}}; !reflect.DeepEqual(got, want) {
			t.Fatalf("fail got %v, want %v", got, want)
		}
	}()
	compute(0, func(any) { t.Fatal("emitted after a panic") })
}

func TestSortByKeyFailsOnANonPair(t *testing.T) {
	d := of([]any{pair{1, "a"}, "not a pair"})
	defer func() {
		if r := recover(); r != "not a pair" {
			t.Fatalf("got panic %v, want notPair's", r)
		}
	}()
	d.SortByKey(run, func(x, y any) int { return 0 }, 1, func(x any) { panic(x) })()
	t.Fatal("no failure")
}

func TestEachReadiesAndKeepsPartitionOrder(t *testing.T) {
	d := New[pair](&Env{}, run, 3, nil, nil)
	d.Materialize = func() [][]any { return [][]any{{1}, {2, 3}, nil} }
	got := Each(d, run, func(p int) int { return len(d.Partition(p)) * 10 })
	if want := []int{10, 20, 0}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}
