package rdd

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gostream/gostream/engine/internal/shuffle"
	win "github.com/gostream/gostream/engine/internal/window"
)

type pair struct{ Key, Value any }

// run runs the tasks one after another.
func run(n int, task func(p int)) {
	for p := range n {
		task(p)
	}
}

// textCodec encodes partitions of ints as text and fails on anything else.
func textCodec(decodes *atomic.Int32) *Codec {
	return &Codec{
		Encode: func(part []any) ([]byte, error) {
			var b strings.Builder
			for _, x := range part {
				i, ok := x.(int)
				if !ok {
					return nil, fmt.Errorf("cannot encode %T", x)
				}
				fmt.Fprintf(&b, "%d,", i)
			}
			return []byte(b.String()), nil
		},
		Decode: func(data []byte) ([]any, error) {
			decodes.Add(1)
			var out []any
			for _, f := range strings.Split(strings.TrimSuffix(string(data), ","), ",") {
				if f == "" {
					continue
				}
				i, err := strconv.Atoi(f)
				if err != nil {
					return nil, err
				}
				out = append(out, i)
			}
			return out, nil
		},
		Corrupt: func(err error) { panic(err) },
	}
}

func computed(env *Env, parts [][]any, calls *atomic.Int32) *Data[pair] {
	return New[pair](env, run, len(parts), nil, func(p int, emit func(any)) {
		calls.Add(1)
		for _, x := range parts[p] {
			emit(x)
		}
	})
}

func TestPersistKeepsWhatIsComputed(t *testing.T) {
	ints := [][]any{{1, 2}, {3}, nil}
	mixed := [][]any{{1, "a"}, {2}}
	tests := []struct {
		name       string
		parts      [][]any
		persist    bool
		serialized bool
		parallel   bool
		computes   int32 // calls of compute over two Partitions
		decodes    bool  // partitions read back from blocks
	}{
		{name: "not persisted", parts: ints, computes: 6},
		{name: "deserialized", parts: ints, persist: true, computes: 3},
		{name: "serialized", parts: ints, persist: true, serialized: true, computes: 3, decodes: true},
		{name: "serialized in tasks", parts: ints, persist: true, serialized: true, parallel: true, computes: 3, decodes: true},
		{name: "not encodable", parts: mixed, persist: true, serialized: true, computes: 2},
		{name: "not encodable in tasks", parts: mixed, persist: true, serialized: true, parallel: true, computes: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var calls, decodes atomic.Int32
			env := &Env{Codec: textCodec(&decodes), Parallel: func() bool { return tc.parallel }}
			d := computed(env, tc.parts, &calls)
			d.Persist(tc.persist, tc.serialized)
			for range 2 {
				got := d.Partitions()
				if len(got) != len(tc.parts) {
					t.Fatalf("got %d partitions, want %d", len(got), len(tc.parts))
				}
				for p := range got {
					if len(got[p])+len(tc.parts[p]) > 0 && !reflect.DeepEqual(got[p], tc.parts[p]) {
						t.Fatalf("partition %d: got %v, want %v", p, got[p], tc.parts[p])
					}
				}
			}
			if got := calls.Load(); got != tc.computes {
				t.Errorf("compute called %d times, want %d", got, tc.computes)
			}
			if got := decodes.Load() > 0; got != tc.decodes {
				t.Errorf("read from blocks: got %v, want %v", got, tc.decodes)
			}
			if tc.persist && !d.Materialized() {
				t.Error("persisted Data not materialized after Partitions")
			}
		})
	}
}

func TestCorruptBlockFailsTheReader(t *testing.T) {
	var decodes atomic.Int32
	c := textCodec(&decodes)
	bad := errors.New("bad block")
	c.Decode = func([]byte) ([]any, error) { return nil, bad }
	var calls atomic.Int32
	d := computed(&Env{Codec: c, Parallel: func() bool { return false }}, [][]any{{1}}, &calls)
	d.Persist(true, true)
	d.Ready()
	defer func() {
		if r := recover(); r != bad {
			t.Fatalf("got panic %v, want %v", r, bad)
		}
	}()
	d.Iterate(0, func(any) {})
	t.Fatal("a block that does not decode was read")
}

func TestReadyMaterializesDepsFirst(t *testing.T) {
	var order []string
	env := &Env{}
	dep := Of[pair](env, run, [][]any{{1}})
	lazy := New[pair](env, run, 1, nil, func(int, func(any)) { order = append(order, "lazy computed") })
	lazy.Persist(true, false)
	out := New[pair](env, run, 1, []*Data[pair]{dep, lazy}, nil)
	out.Materialize = func() [][]any {
		order = append(order, "materialize")
		return [][]any{{"x"}}
	}
	out.Ready()
	out.Ready()
	if want := []string{"lazy computed", "materialize"}; !reflect.DeepEqual(order, want) {
		t.Fatalf("got %v, want %v", order, want)
	}
	if !out.Materialized() || out.Deps != nil || out.Materialize != nil {
		t.Fatal("materialized Data kept its lineage")
	}
	if got := out.Partitions(); !reflect.DeepEqual(got, [][]any{{"x"}}) {
		t.Fatalf("got %v", got)
	}
}

func TestColsAreBoxedAsPairs(t *testing.T) {
	tab := shuffle.NewTable(&shuffle.Aggregator{IntFn: func(a, b int) int { return a + b }, Sum: true})
	tab.AddStrInt("a", 1)
	tab.AddStrInt("b", 2)
	c, ok := win.TableCols(tab)
	if !ok {
		t.Fatal("no columns")
	}
	d := New[pair](&Env{}, run, 1, nil, func(int, func(any)) { t.Fatal("computed") })
	d.Materialize = func() [][]any {
		d.Cols = []*win.Cols{c}
		return nil
	}
	if got := d.Count(run); got != 2 {
		t.Fatalf("Count: got %d, want 2", got)
	}
	want := []any{pair{"a", 1}, pair{"b", 2}}
	var got []any
	d.Iterate(0, func(x any) { got = append(got, x) })
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Iterate: got %v, want %v", got, want)
	}
	if got := d.Partition(0); !reflect.DeepEqual(got, want) {
		t.Fatalf("Partition: got %v, want %v", got, want)
	}
	if d.Strs != nil || d.Compute != nil {
		t.Fatal("typed paths kept after materializing")
	}
}

func TestTakeComputesOnlyWhatItNeeds(t *testing.T) {
	var calls atomic.Int32
	d := computed(&Env{}, [][]any{{1, 2}, {3, 4}, {5}}, &calls)
	if got := d.Take(3, run); !reflect.DeepEqual(got, []any{1, 2, 3}) {
		t.Fatalf("got %v", got)
	}
	if got := calls.Load(); got != 2 {
		t.Fatalf("computed %d partitions, want 2", got)
	}
	if got := d.Take(0, run); len(got) != 0 || got == nil {
		t.Fatalf("Take(0): got %#v, want an empty slice", got)
	}
	if got := d.Count(run); got != 5 {
		t.Fatalf("Count: got %d, want 5", got)
	}
}
