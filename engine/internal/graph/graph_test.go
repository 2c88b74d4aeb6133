package graph

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gostream/gostream/engine/internal/checkpoint"
)

// chain builds input → window(length w) → output, all with a 1 s slide.
func chain(w int64) (*Graph[string], *Node[string], *Node[string], *Node[string]) {
	g := New[string]()
	in := g.Add("Input", nil, 1000)
	g.AddInput(in)
	win := g.Add("Window", []*Node[string]{in}, 1000)
	win.Window = w
	out := g.Add("Print", []*Node[string]{win}, 1000)
	g.AddOutput(out)
	return g, in, win, out
}

func TestPrepareRemember(t *testing.T) {
	tests := []struct {
		name                 string
		window, ckpt, rem    int64
		wantIn, wantWin, out int64
	}{
		{name: "slides only", wantIn: 1000, wantWin: 1000, out: 1000},
		{name: "window", window: 3000, wantIn: 4000, wantWin: 1000, out: 1000},
		{name: "checkpoint every slide", ckpt: 1000, wantIn: 2000, wantWin: 2000, out: 1000},
		{name: "context remember", window: 3000, rem: 10000, wantIn: 13000, wantWin: 10000, out: 10000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, in, win, out := chain(tc.window)
			win.Checkpoint = tc.ckpt
			g.Prepare(5000, tc.rem)
			got := []int64{in.Remember, win.Remember, out.Remember}
			want := []int64{tc.wantIn, tc.wantWin, tc.out}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("remember (input, window, output) = %v, want %v", got, want)
			}
			for _, n := range g.Nodes() {
				if n.Zero != 5000 {
					t.Fatalf("%s zero %d, want 5000", n.Op, n.Zero)
				}
			}
		})
	}
}

func TestClearForgetsOldRDDs(t *testing.T) {
	g, in, _, _ := chain(3000)
	g.Prepare(0, 0)
	for ts := int64(1000); ts <= 5000; ts += 1000 {
		in.Put(ts, fmt.Sprint(ts))
	}
	var dropped []string
	g.Clear(5000, func(r string) { dropped = append(dropped, r) })
	if got, want := in.Times(), []int64{2000, 3000, 4000, 5000}; !reflect.DeepEqual(got, want) {
		t.Fatalf("kept %v, want %v", got, want)
	}
	if !reflect.DeepEqual(dropped, []string{"1000"}) {
		t.Fatalf("dropped %v, want [1000]", dropped)
	}
}

func TestValidAndOnGrid(t *testing.T) {
	g := New[int]()
	n := g.Add("Window", nil, 2000)
	g.Prepare(1000, 0)
	for _, tc := range []struct {
		t           int64
		valid, grid bool
	}{{1000, false, true}, {2000, false, false}, {3000, true, true}, {5000, true, true}, {-1000, false, true}, {4000, false, false}} {
		if got := n.Valid(tc.t); got != tc.valid {
			t.Errorf("Valid(%d) = %v, want %v", tc.t, got, tc.valid)
		}
		if got := n.OnGrid(tc.t); got != tc.grid {
			t.Errorf("OnGrid(%d) = %v, want %v", tc.t, got, tc.grid)
		}
	}
}

func TestGetOrComputeRemembers(t *testing.T) {
	g := New[string]()
	n := g.Add("Map", nil, 1000)
	g.Prepare(0, 0)
	calls := 0
	compute := func(ts int64) (string, bool) {
		calls++
		if ts == 2000 {
			return "", false
		}
		return fmt.Sprint("rdd@", ts), true
	}
	for i := 0; i < 2; i++ {
		if r, ok := n.GetOrCompute(1000, compute); !ok || r != "rdd@1000" {
			t.Fatalf("GetOrCompute(1000) = %q, %v", r, ok)
		}
	}
	if _, ok := n.GetOrCompute(2000, compute); ok {
		t.Fatal("GetOrCompute(2000) has an RDD; compute returned none")
	}
	if _, ok := n.GetOrCompute(1500, compute); ok {
		t.Fatal("GetOrCompute(1500) has an RDD off the slide")
	}
	if calls != 2 {
		t.Fatalf("compute called %d times, want 2 (once for 1000, once for 2000)", calls)
	}
	if got := n.Times(); !reflect.DeepEqual(got, []int64{1000}) {
		t.Fatalf("remembers %v, want [1000]", got)
	}
}

func TestSlice(t *testing.T) {
	g := New[int64]()
	n := g.Add("Map", nil, 1000)
	g.Prepare(1000, 0)
	var asked []int64
	got := n.Slice(0, 4000, func(ts int64) (int64, bool) {
		asked = append(asked, ts)
		return ts, ts != 3000
	})
	if !reflect.DeepEqual(got, []int64{2000, 4000}) {
		t.Fatalf("Slice = %v, want [2000 4000]", got)
	}
	if !reflect.DeepEqual(asked, []int64{4000, 3000, 2000}) {
		t.Fatalf("asked %v, want newest first, after the zero time", asked)
	}
	if got := n.Slice(3000, 2000, func(ts int64) (int64, bool) { return ts, true }); got != nil {
		t.Fatalf("empty Slice = %v, want nil", got)
	}
}

func TestLineage(t *testing.T) {
	g := New[int]()
	a := g.Add("SocketTextStream(x)", nil, 1000)
	b := g.Add("QueueStream", nil, 1000)
	j := g.Add("Join", []*Node[int]{g.Add("Map", []*Node[int]{a}, 1000), b}, 1000)
	p := g.Add("Print", []*Node[int]{j}, 1000)
	if got, want := p.Lineage(), "Print ← Join (with QueueStream) ← Map ← SocketTextStream(x)"; got != want {
		t.Fatalf("Lineage = %q, want %q", got, want)
	}
	n := a
	for i := 0; i < 30; i++ {
		n = g.Add("Map", []*Node[int]{n}, 1000)
	}
	parts := strings.Split(n.Lineage(), " ← ")
	if len(parts) != 22 || parts[21] != "…" {
		t.Fatalf("a long lineage has %d parts ending in %q, want 21 and …", len(parts), parts[len(parts)-1])
	}
}

func TestDescribeAndNumbers(t *testing.T) {
	g, in, win, out := chain(3000)
	win.Stateful, win.Checkpoint = true, 2000
	in2 := g.Add("RateStream", nil, 1000)
	g.AddInput(in2)
	d := g.Describe()
	if len(d) != 4 {
		t.Fatalf("Describe has %d streams, want 4", len(d))
	}
	if !d[0].Input || d[0].Output || !d[2].Output || !d[3].Input {
		t.Fatalf("inputs and outputs wrong: %+v", d)
	}
	if !reflect.DeepEqual(d[2].Parents, []int{1}) || !reflect.DeepEqual(d[1].Parents, []int{0}) {
		t.Fatalf("parents wrong: %+v", d)
	}
	if d[1].Window != 3*time.Second || d[1].Slide != time.Second || d[1].Checkpoint != 2*time.Second || !d[1].Stateful {
		t.Fatalf("window stream described as %+v", d[1])
	}
	if got := g.Stateful(); !reflect.DeepEqual(got, []int{1}) {
		t.Fatalf("Stateful = %v, want [1]", got)
	}
	if g.InputID(in) != 0 || g.InputID(in2) != 1 || g.InputID(out) != -1 {
		t.Fatalf("InputID = %d, %d, %d; want 0, 1, -1", g.InputID(in), g.InputID(in2), g.InputID(out))
	}
	if g.Index(out) != 2 || g.Index(New[string]().Add("x", nil, 1)) != -1 {
		t.Fatal("Index wrong")
	}
}

func TestCheckpointInputs(t *testing.T) {
	g, in, _, _ := chain(3000)
	second := g.Add("Second", nil, 1000)
	g.AddInput(second)
	g.Prepare(0, 0)
	inputs, remember := g.CheckpointInputs()
	want := []checkpoint.Input{{Stream: 0, Op: "Input"}, {Stream: 3, Op: "Second"}}
	if !reflect.DeepEqual(inputs, want) || !reflect.DeepEqual(remember, []int64{in.Remember, second.Remember}) || in.Remember != 4000 {
		t.Fatalf("CheckpointInputs = %v %v, want %v [4000 %d]", inputs, remember, want, second.Remember)
	}
}
