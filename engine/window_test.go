package engine

import (
	"errors"
	"fmt"
	"math/rand"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"
)

// newTestContext returns a local[2] context on a manual clock with 1s
// batches, its output discarded.
func newTestContext(t *testing.T) *StreamingContext {
	t.Helper()
	ssc := NewStreamingContext("local[2]", t.Name(), time.Second, WithManualClock(), WithBatchLog(nil))
	ssc.SetOutput(nil)
	t.Cleanup(func() { ssc.Stop(false) })
	return ssc
}

// buildError runs f and returns the *Error it panics with, or nil.
func buildError(f func()) (err *Error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(*Error)
			if !ok {
				panic(r)
			}
			err = e
		}
	}()
	f()
	return nil
}

func TestWindowDurationErrors(t *testing.T) {
	s := time.Second
	ms := time.Millisecond
	tests := []struct {
		name     string
		op       string
		window   time.Duration
		slide    time.Duration
		build    func(d *DStream, w, sl time.Duration)
		mentions []string
	}{
		{"Window window", "Window", 1500 * ms, s, func(d *DStream, w, sl time.Duration) { d.Window(w, sl) }, []string{"1.5s", "1s"}},
		{"Window slide", "Window", 2 * s, 500 * ms, func(d *DStream, w, sl time.Duration) { d.Window(w, sl) }, []string{"500ms", "1s"}},
		{"Window zero", "Window", 0, s, func(d *DStream, w, sl time.Duration) { d.Window(w, sl) }, []string{"0s", "1s"}},
		{"CountByWindow", "CountByWindow", 2500 * ms, s, func(d *DStream, w, sl time.Duration) { d.CountByWindow(w, sl) }, []string{"2.5s", "1s"}},
		{"ReduceByWindow", "ReduceByWindow", 2 * s, 1500 * ms, func(d *DStream, w, sl time.Duration) { d.ReduceByWindow(Sum, w, sl) }, []string{"1.5s", "1s"}},
		{"ReduceByWindow inverse", "ReduceByWindow", 2 * s, -s, func(d *DStream, w, sl time.Duration) { d.ReduceByWindow(Sum, w, sl, Inverse(Diff)) }, []string{"-1s", "1s"}},
		{"CountByValueAndWindow", "CountByValueAndWindow", 10 * ms, s, func(d *DStream, w, sl time.Duration) { d.CountByValueAndWindow(w, sl) }, []string{"10ms", "1s"}},
		{"GroupByKeyAndWindow", "GroupByKeyAndWindow", 3 * s, 1100 * ms, func(d *DStream, w, sl time.Duration) { d.GroupByKeyAndWindow(w, sl) }, []string{"1.1s", "1s"}},
		{"ReduceByKeyAndWindow", "ReduceByKeyAndWindow", 3300 * ms, s, func(d *DStream, w, sl time.Duration) { d.ReduceByKeyAndWindow(Sum, w, sl) }, []string{"3.3s", "1s"}},
		{"ReduceByKeyAndWindow inverse", "ReduceByKeyAndWindow", 3 * s, 2500 * ms, func(d *DStream, w, sl time.Duration) { d.ReduceByKeyAndWindow(Sum, w, sl, Inverse(Diff)) }, []string{"2.5s", "1s"}},
		{"CountByKeyAndWindow", "CountByKeyAndWindow", 1200 * ms, s, func(d *DStream, w, sl time.Duration) { d.CountByKeyAndWindow(w, sl) }, []string{"1.2s", "1s"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ssc := newTestContext(t)
			in := ssc.QueueStream(NewQueue(), true)
			err := buildError(func() { tc.build(in, tc.window, tc.slide) })
			if err == nil {
				t.Fatalf("%s(%v, %v) built; want an *Error", tc.op, tc.window, tc.slide)
			}
			if err.Op != tc.op {
				t.Errorf("error names op %q, want %q (%v)", err.Op, tc.op, err)
			}
			for _, m := range tc.mentions {
				if !strings.Contains(err.Msg, m) {
					t.Errorf("error %q does not mention %s", err, m)
				}
			}
		})
	}
}

func TestWindowFuncShapeErrors(t *testing.T) {
	tests := []struct {
		name  string
		build func(d *DStream)
		want  string
	}{
		{"reduce", func(d *DStream) { d.ReduceByKeyAndWindow(func(a int) int { return a }, time.Second, time.Second) }, "func(a, b V) V"},
		{"inverse", func(d *DStream) {
			d.ReduceByKeyAndWindow(Sum, time.Second, time.Second, Inverse(func(a, b int) string { return "" }))
		}, "func(a, b V) V"},
		{"window reduce", func(d *DStream) { d.ReduceByWindow("sum", time.Second, time.Second) }, "func(a, b V) V"},
		{"filter", func(d *DStream) {
			d.ReduceByKeyAndWindow(Sum, time.Second, time.Second, Inverse(Diff), FilterFunc(func(p Pair) int { return 0 }))
		}, "func(T) bool"},
		{"tasks", func(d *DStream) { d.GroupByKeyAndWindow(time.Second, time.Second, NumTasks(-1)) }, "NumTasks"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ssc := newTestContext(t)
			err := buildError(func() { tc.build(ssc.QueueStream(NewQueue(), true)) })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

// windowRun collects a windowed pair stream's results per batch time.
type windowRun map[Time]map[any]int

func collectPairs(d *DStream, into windowRun) {
	d.ForeachRDD(func(r *RDD, t Time) {
		m := map[any]int{}
		for _, x := range r.Collect() {
			p := x.(Pair)
			if _, dup := m[p.Key]; dup {
				panic(fmt.Sprintf("key %v twice at %s", p.Key, t))
			}
			m[p.Key] = p.Value.(int)
		}
		into[t] = m
	})
}

// TestReducedWindowMatchesModel runs random batches (negative values and
// zeros included) through ReduceByKeyAndWindow with and without an inverse
// function and a filter, for windows shorter and longer than their slide,
// and checks every window against sums computed directly.
func TestReducedWindowMatchesModel(t *testing.T) {
	const batches = 24
	rng := rand.New(rand.NewSource(1))
	var input [][]any
	for i := 0; i < batches; i++ {
		var b []any
		if rng.Intn(5) > 0 { // some batches are empty
			for j := rng.Intn(8); j > 0; j-- {
				b = append(b, KV(string(rune('a'+rng.Intn(6))), rng.Intn(7)-3))
			}
		}
		input = append(input, b)
	}
	for _, ws := range [][2]int{{1, 1}, {2, 1}, {3, 1}, {4, 2}, {6, 3}, {3, 2}, {1, 2}, {2, 3}, {5, 5}} {
		window, slide := time.Duration(ws[0])*time.Second, time.Duration(ws[1])*time.Second
		for _, tasks := range []int{1, 3} {
			t.Run(fmt.Sprintf("window=%v/slide=%v/tasks=%d", window, slide, tasks), func(t *testing.T) {
				ssc := newTestContext(t)
				q := NewQueue()
				in := ssc.QueueStream(q, true)
				plain, inv, filtered := windowRun{}, windowRun{}, windowRun{}
				collectPairs(in.ReduceByKeyAndWindow(Sum, window, slide, NumTasks(tasks)), plain)
				collectPairs(in.ReduceByKeyAndWindow(Sum, window, slide, Inverse(Diff), NumTasks(tasks)), inv)
				collectPairs(in.ReduceByKeyAndWindow(Sum, window, slide, Inverse(Diff), NumTasks(tasks),
					FilterFunc(func(p Pair) bool { return p.Value != 0 })), filtered)
				for _, b := range input {
					q.Push(b...)
				}
				if err := ssc.Start(); err != nil {
					t.Fatal(err)
				}
				if err := ssc.Advance(batches * time.Second); err != nil {
					t.Fatal(err)
				}
				seen := map[any]bool{} // keys met in any window so far
				for i := ws[1]; i <= batches; i += ws[1] {
					bt := Time(i * 1000)
					want := map[any]int{}
					for j := max(0, i-ws[0]); j < i; j++ {
						for _, x := range input[j] {
							p := x.(Pair)
							want[p.Key] += p.Value.(int)
						}
					}
					if !sameCounts(plain[bt], want) {
						t.Errorf("at %s without inverse: got %v, want %v", bt, plain[bt], want)
					}
					for k := range want {
						seen[k] = true
					}
					wantInv := map[any]int{}
					for k := range seen {
						wantInv[k] = want[k]
					}
					if !sameCounts(inv[bt], wantInv) {
						t.Errorf("at %s with inverse: got %v, want %v", bt, inv[bt], wantInv)
					}
					nonZero := map[any]int{}
					for k, v := range want {
						if v != 0 {
							nonZero[k] = v
						}
					}
					if !sameCounts(filtered[bt], nonZero) {
						t.Errorf("at %s with inverse and filter: got %v, want %v", bt, filtered[bt], nonZero)
					}
				}
				if len(plain) != batches/ws[1] {
					t.Errorf("%d windows emitted, want %d (one per slide)", len(plain), batches/ws[1])
				}
			})
		}
	}
}

// TestCountWindowsMatchModel checks the other windowed reductions, the
// incremental ones (CountByValueAndWindow, CountByKeyAndWindow,
// ReduceByWindow with Inverse) and the plain ones, against counts and sums
// computed directly, for windows shorter and longer than their slide.
func TestCountWindowsMatchModel(t *testing.T) {
	const batches = 18
	rng := rand.New(rand.NewSource(2))
	var input [][]any
	for i := 0; i < batches; i++ {
		var b []any
		if rng.Intn(4) > 0 {
			for j := rng.Intn(6); j > 0; j-- {
				b = append(b, rng.Intn(5)-1)
			}
		}
		input = append(input, b)
	}
	for _, ws := range [][2]int{{1, 1}, {3, 1}, {4, 2}, {3, 2}, {1, 2}, {2, 3}} {
		window, slide := time.Duration(ws[0])*time.Second, time.Duration(ws[1])*time.Second
		t.Run(fmt.Sprintf("window=%v/slide=%v", window, slide), func(t *testing.T) {
			ssc := newTestContext(t)
			q := NewQueue()
			in := ssc.QueueStream(q, true)
			byKey := in.Map(func(x int) Pair { return KV(x%2, x) })
			count, byValue, keys, sum, sumInv := windowRun{}, windowRun{}, windowRun{}, windowRun{}, windowRun{}
			collectPairs(in.CountByWindow(window, slide).Map(func(n int) Pair { return KV("n", n) }), count)
			collectPairs(in.CountByValueAndWindow(window, slide, NumTasks(3)), byValue)
			collectPairs(byKey.CountByKeyAndWindow(window, slide), keys)
			collectPairs(in.ReduceByWindow(Sum, window, slide).Map(func(n int) Pair { return KV("sum", n) }), sum)
			collectPairs(in.ReduceByWindow(Sum, window, slide, Inverse(Diff)).Map(func(n int) Pair { return KV("sum", n) }), sumInv)
			for _, b := range input {
				q.Push(b...)
			}
			if err := ssc.Start(); err != nil {
				t.Fatal(err)
			}
			if err := ssc.Advance(batches * time.Second); err != nil {
				t.Fatal(err)
			}
			seen := false // an element met in any window so far
			for i := ws[1]; i <= batches; i += ws[1] {
				bt := Time(i * 1000)
				n, total := 0, 0
				values, perKey := map[any]int{}, map[any]int{}
				for j := max(0, i-ws[0]); j < i; j++ {
					for _, x := range input[j] {
						v := x.(int)
						n++
						total += v
						values[v]++
						perKey[v%2]++
					}
				}
				check := func(name string, got windowRun, want map[any]int) {
					t.Helper()
					if !sameCounts(got[bt], want) {
						t.Errorf("%s at %s: got %v, want %v", name, bt, got[bt], want)
					}
				}
				check("CountByWindow", count, map[any]int{"n": n})
				check("CountByValueAndWindow", byValue, values)
				check("CountByKeyAndWindow", keys, perKey)
				seen = seen || n > 0
				wantSum, wantSumInv := map[any]int{}, map[any]int{}
				if n > 0 {
					wantSum["sum"] = total
				}
				if seen {
					wantSumInv["sum"] = total
				}
				check("ReduceByWindow", sum, wantSum)
				check("ReduceByWindow with Inverse", sumInv, wantSumInv)
			}
		})
	}
}

func sameCounts(got, want map[any]int) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			return false
		}
	}
	return true
}

// TestWindowRemembersOnlyTheWindow checks which RDDs a windowed job keeps
// after each batch: the parent keeps the window's batches (plus the
// window's slide), nothing older.
func TestWindowRemembersOnlyTheWindow(t *testing.T) {
	ssc := newTestContext(t)
	q := NewQueue()
	in := ssc.QueueStream(q, true)
	w := in.Window(3*time.Second, time.Second)
	w.Print()
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 10; i++ {
		q.Push(i)
		if err := ssc.Advance(time.Second); err != nil {
			t.Fatal(err)
		}
		now := Time(i * 1000)
		var kept []string
		for _, tt := range in.node.Times() {
			kept = append(kept, Time(tt).String())
		}
		sort.Strings(kept)
		// remember(window) = slide 1s, plus the window 3s: (now-4s, now].
		want := []string{}
		for tt := max(1000, int(now)-3000); tt <= int(now); tt += 1000 {
			want = append(want, Time(tt).String())
		}
		sort.Strings(want)
		if fmt.Sprint(kept) != fmt.Sprint(want) {
			t.Fatalf("after batch %s the input keeps %v, want %v", now, kept, want)
		}
		if in.StorageLevel() != MemoryOnlySer {
			t.Fatalf("window parent storage level %v, want MEMORY_ONLY_SER", in.StorageLevel())
		}
	}
}

// TestStatefulRDDsAreMaterialized checks that the state RDDs of stateful
// streams hold their partitions and no lineage after every batch.
func TestStatefulRDDsAreMaterialized(t *testing.T) {
	ssc := newTestContext(t)
	q := NewQueue()
	pairs := ssc.QueueStream(q, true).Map(WithOne)
	win := pairs.ReduceByKeyAndWindow(Sum, 2*time.Second, time.Second, Inverse(Diff))
	win.Print()
	st := pairs.UpdateStateByKey(func(v []int, s *int) *int { return s })
	st.Print()
	mws := pairs.MapWithState(StateSpecFunc(func(k string, v *int, s *State) int { return 0 }))
	mws.Print()
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		q.Push("a", "b", "c")
		if err := ssc.Advance(time.Second); err != nil {
			t.Fatal(err)
		}
		now := Time((i + 1) * 1000)
		for _, d := range ssc.streams {
			if !d.isStateful() {
				continue
			}
			r, _ := d.node.Get(int64(now))
			if r == nil {
				t.Fatalf("%s has no RDD at %s", d.op, now)
			}
			if !r.d.Materialized() {
				t.Fatalf("%s at %s is not materialized (deps %d)", d.op, now, len(r.d.Deps))
			}
		}
	}
}

// TestWindowMemoryFlat runs 1,000 batches of windowed and stateful
// operators and checks that what the graph keeps stays bounded: the RDDs
// remembered per stream and the live heap.
func TestWindowMemoryFlat(t *testing.T) {
	batches := 1000
	if testing.Short() {
		batches = 300
	}
	ssc := newTestContext(t)
	q := NewQueue()
	words := ssc.QueueStream(q, true)
	pairs := words.Map(WithOne)
	pairs.ReduceByKeyAndWindow(Sum, 5*time.Second, time.Second, Inverse(Diff), FilterFunc(func(p Pair) bool { return p.Value != 0 })).Print()
	pairs.ReduceByKeyAndWindow(Sum, 4*time.Second, 2*time.Second).Print()
	words.Window(3*time.Second, time.Second).Count().Print()
	words.CountByWindow(10*time.Second, time.Second).Print()
	words.CountByValueAndWindow(3*time.Second, time.Second).Print()
	pairs.GroupByKeyAndWindow(2*time.Second, time.Second).Print()
	pairs.UpdateStateByKey(func(v []int, s *int) *int {
		if len(v) == 0 {
			return nil // keys leave the state when they go quiet
		}
		n := len(v)
		return &n
	}).Print()
	pairs.MapWithState(StateSpecFunc(func(k string, v *int, s *State) int {
		if s.IsTimingOut() {
			return 0
		}
		s.Update(1)
		return 1
	}).Timeout(3 * time.Second)).Print()
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	const distinct = 500 // keys drift through a range, so state must forget old keys
	var heapAt100 uint64
	maxKept := 0
	for i := 0; i < batches; i++ {
		elems := make([]any, 50)
		for j := range elems {
			elems[j] = fmt.Sprintf("w%d", (i*13+j)%distinct)
		}
		q.Push(elems...)
		if err := ssc.Advance(time.Second); err != nil {
			t.Fatal(err)
		}
		kept := 0
		for _, d := range ssc.streams {
			kept += len(d.node.Times())
		}
		// Once the longest window has filled (10 batches), every slide
		// pattern has shown by batch 40: from then on no more RDDs.
		if i < 40 {
			maxKept = max(maxKept, kept)
		} else if kept > maxKept {
			t.Fatalf("after %d batches the graph keeps %d RDDs, more than the %d it kept at most in batches 1-40", i+1, kept, maxKept)
		}
		if i == 100 {
			heapAt100 = liveHeap()
		}
	}
	heap := liveHeap()
	const slack = 16 << 20
	if heap > heapAt100+slack {
		t.Fatalf("live heap grew from %d to %d bytes between batch 100 and %d", heapAt100, heap, batches)
	}
	for _, d := range ssc.streams {
		if _, parts, ok := d.stateSnapshot(); ok {
			n := 0
			for _, p := range parts {
				n += len(p)
			}
			if n > 200 {
				t.Errorf("%s holds %d keys; the last few batches only have about 100", d.op, n)
			}
		}
	}
}

func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func TestWindowUnhashableKey(t *testing.T) {
	ssc := newTestContext(t)
	q := NewQueue()
	ssc.QueueStream(q, true).ReduceByKeyAndWindow(Sum, 2*time.Second, time.Second, Inverse(Diff)).Print()
	q.Push(KV([]any{1}, 1))
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	err := ssc.Advance(time.Second)
	var e *Error
	if !errors.As(err, &e) || e.Op != "ReduceByKeyAndWindow" || e.Time != 1000 || !strings.Contains(e.Msg, "[]interface {}") {
		t.Fatalf("got %v, want a ReduceByKeyAndWindow error at 1000 ms naming the key type", err)
	}
}

func TestSliceOfWindowedParent(t *testing.T) {
	ssc := newTestContext(t)
	q := NewQueue()
	in := ssc.QueueStream(q, true)
	in.Window(3*time.Second, time.Second).Print()
	for i := 1; i <= 5; i++ {
		q.Push(i, i*10)
	}
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	if err := ssc.Advance(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	var got []any
	for _, r := range in.Slice(3000, 5000) {
		got = append(got, r.Collect()...)
	}
	if fmt.Sprint(got) != "[3 30 4 40 5 50]" {
		t.Fatalf("Slice(3000 ms, 5000 ms) = %v, want [3 30 4 40 5 50]", got)
	}
	if err := buildError(func() { in.Slice(2500, 5000) }); err == nil || err.Op != "Slice" {
		t.Fatalf("Slice from an unaligned time: got %v, want a Slice error", err)
	}
	// As in Spark, a stopped context's streams still answer Slice with
	// what they remember.
	ssc.Stop(false)
	got = nil
	for _, r := range in.Slice(3000, 5000) {
		got = append(got, r.Collect()...)
	}
	if fmt.Sprint(got) != "[3 30 4 40 5 50]" {
		t.Fatalf("Slice(3000 ms, 5000 ms) after Stop = %v, want [3 30 4 40 5 50]", got)
	}
}

func TestSliceBeforeStart(t *testing.T) {
	for _, stop := range []bool{false, true} {
		ssc := newTestContext(t)
		in := ssc.QueueStream(NewQueue(), true)
		in.Print()
		if stop {
			ssc.Stop(false)
		}
		if err := buildError(func() { in.Slice(0, 1000) }); err == nil || err.Op != "Slice" || !strings.Contains(err.Msg, "not started") {
			t.Fatalf("Slice (stopped %v) of a context never started: got %v, want a Slice error", stop, err)
		}
	}
}
