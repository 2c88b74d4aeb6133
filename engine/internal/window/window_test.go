package window

import (
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/gostream/gostream/engine/internal/shuffle"
)

type pair struct{ Key, Value any }

type failure struct{ what string }

func ints(filter bool) *Merge[pair] {
	m := &Merge[pair]{
		F:          func(a, b any) any { return a.(int) + b.(int) },
		Inv:        func(a, b any) any { return a.(int) - b.(int) },
		IntF:       func(a, b int) int { return a + b },
		IntInv:     func(a, b int) int { return a - b },
		Panicked:   func(r, x any) { panic(failure{fmt.Sprintf("panicked on %v: %v", x, r)}) },
		NotPair:    func(x any) { panic(failure{fmt.Sprintf("not a pair: %v", x)}) },
		NotInt:     func(v any) { panic(failure{fmt.Sprintf("not an int: %v", v)}) },
		Unhashable: func(k, r any) { panic(failure{fmt.Sprintf("unhashable: %T", k)}) },
	}
	if filter {
		m.Filter = func(x any) bool { return x.(pair).Value != 0 }
	}
	return m
}

// cols builds the columns of pairs, as a shuffle's reduce side does.
func cols(t *testing.T, part []any) *Cols {
	t.Helper()
	tb := shuffle.NewTable(&shuffle.Aggregator{IntFn: func(a, b int) int { return a + b }})
	for _, x := range part {
		p := x.(pair)
		tb.AddStrInt(p.Key.(string), p.Value.(int))
	}
	c, ok := TableCols(tb)
	if !ok {
		t.Fatal("TableCols: not string keys")
	}
	if got := Pairs[pair](c); !reflect.DeepEqual(got, part) && len(part) > 0 {
		t.Fatalf("Pairs = %v, want %v", got, part)
	}
	return c
}

func ps(kvs ...any) []any {
	var out []any
	for i := 0; i < len(kvs); i += 2 {
		out = append(out, pair{kvs[i], kvs[i+1]})
	}
	return out
}

func failureOf(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = r.(failure).what
		}
	}()
	f()
	return ""
}

func TestPartition(t *testing.T) {
	tests := []struct {
		name     string
		filter   bool
		prev     []any
		old, new [][]any
		want     []any
	}{
		{"first window", false, nil, nil, [][]any{ps("a", 1, "b", 2), ps("a", 3, "c", 1)}, ps("a", 4, "b", 2, "c", 1)},
		{"slide", false, ps("a", 4, "b", 2), [][]any{ps("a", 1, "b", 2)}, [][]any{ps("c", 5, "a", 2)}, ps("a", 5, "b", 0, "c", 5)},
		{"filtered to zero", true, ps("a", 4, "b", 2), [][]any{ps("a", 1, "b", 2)}, [][]any{ps("c", 5)}, ps("a", 3, "c", 5)},
		// b was filtered out of the previous window while a batch of it
		// still leaves: it starts from zero.
		{"filtered key still leaving", true, ps("a", 1), [][]any{ps("b", 2)}, [][]any{ps("b", 3)}, ps("a", 1, "b", 1)},
		{"other keys", false, ps(1, 1), nil, [][]any{ps(2, 2, 1, 1)}, ps(1, 2, 2, 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ints(tt.filter).Partition(tt.prev, tt.old, tt.new); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			m := ints(tt.filter)
			m.IntF, m.IntInv = nil, nil
			if got := m.Partition(tt.prev, tt.old, tt.new); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("boxed: got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPartitionFailures(t *testing.T) {
	m := ints(false)
	m.IntF = func(a, b int) int { panic("boom") }
	tests := []struct {
		name string
		m    *Merge[pair]
		new  [][]any
		want string
	}{
		{"not a pair", ints(false), [][]any{{"x"}}, "not a pair: x"},
		{"not an int", ints(false), [][]any{ps("a", "1")}, "not an int: 1"},
		{"unhashable", ints(false), [][]any{ps([]int{1}, 1)}, "unhashable: []int"},
		{"function panics", m, [][]any{ps("a", 1, "a", 7)}, "panicked on 7: boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := failureOf(func() { tt.m.Partition(nil, nil, tt.new) }); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// randomBatch is a reduced batch of up to 40 random pairs of 60 string keys
// (some int keys too, with ints), values from -1 to 3 summed per key, keys
// in the order first met.
func randomBatch(rng *rand.Rand, ints bool) []any {
	tb := map[any]int{}
	var keys []any
	for range rng.Intn(40) {
		var k any = fmt.Sprintf("k%d", rng.Intn(60))
		if ints && rng.Intn(4) == 0 {
			k = rng.Intn(20)
		}
		if _, ok := tb[k]; !ok {
			keys = append(keys, k)
		}
		tb[k] += rng.Intn(5) - 1
	}
	var out []any
	for _, k := range keys {
		out = append(out, pair{k, tb[k]})
	}
	return out
}

// TestTypedMatchesPartition slides a window over random batches on the
// typed path, its tables kept from window to window (and once rebuilt from
// the output), and requires every window to equal Partition's.
func TestTypedMatchesPartition(t *testing.T) {
	for _, filter := range []bool{false, true} {
		rng := rand.New(rand.NewSource(1))
		m := ints(filter)
		batch := func() []any { return randomBatch(rng, false) }
		const length = 3
		var batches [][]any
		var prev []any
		table := NewTables(1)[0]
		for i := range 60 {
			batches = append(batches, batch())
			var old [][]any
			if len(batches) > length {
				old = [][]any{batches[len(batches)-length-1]}
			}
			new := [][]any{batches[len(batches)-1]}
			want := m.Partition(prev, old, new)
			var oc, nc []*Cols
			for _, p := range old {
				oc = append(oc, cols(t, p))
			}
			nc = append(nc, cols(t, new[0]))
			if i == 30 {
				tables, ok := TablesOf[pair]([][]any{prev})
				if !ok {
					t.Fatal("TablesOf: not (string, int) pairs")
				}
				table = tables[0]
			}
			got := m.Typed(table, oc, nc)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("filter %v, window %d: got %v, want %v", filter, i, got, want)
			}
			prev = want
		}
	}
}

func TestTablesOfRefuses(t *testing.T) {
	for _, part := range [][]any{{"x"}, ps(1, 1), ps("a", "1"), ps("a", 1, "a", 2)} {
		if _, ok := TablesOf[pair]([][]any{part}); ok {
			t.Errorf("TablesOf(%v) = ok, want refused", part)
		}
	}
}

func TestEnteringKeysCopied(t *testing.T) {
	block := strings.Repeat("x", 1<<10)
	got := ints(false).Partition(nil, nil, [][]any{ps(block[:3], 1)})
	if k := got[0].(pair).Key.(string); k != "xxx" || unsafe.StringData(k) == unsafe.StringData(block) {
		t.Errorf("key %q", k)
	}
}

func TestStateTables(t *testing.T) {
	var s State[string]
	if _, _, ok := s.Previous(); ok {
		t.Fatal("Previous of a new state: ok")
	}
	s.Set(2000, "w")
	tables := NewTables(2)
	s.PutTables(2000, tables)
	if got := s.TakeTables(1000); got != nil {
		t.Errorf("TakeTables of another window: %v", got)
	}
	if got := s.TakeTables(2000); got != nil {
		t.Errorf("tables taken once are gone: %v", got)
	}
	s.PutTables(2000, tables)
	if got := s.TakeTables(2000); len(got) != 2 {
		t.Errorf("TakeTables = %v, want the tables put", got)
	}
	s.PutTables(2000, tables)
	s.Reset()
	if _, _, ok := s.Previous(); ok || s.TakeTables(2000) != nil {
		t.Error("Reset kept the window or its tables")
	}
}
