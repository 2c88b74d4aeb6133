package engine

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestStateFuncShapeErrors(t *testing.T) {
	tests := []struct {
		name string
		op   string
		f    any
	}{
		{"nil", "UpdateStateByKey", nil},
		{"not a func", "UpdateStateByKey", 3},
		{"state not a pointer", "UpdateStateByKey", func(v []int, s int) int { return s }},
		{"values not a slice", "UpdateStateByKey", func(v int, s *int) *int { return s }},
		{"result differs", "UpdateStateByKey", func(v []int, s *int) *string { return nil }},
		{"no time first", "UpdateStateByKey", func(k string, t Time, v []int, s *int) *int { return s }},
		{"three args", "UpdateStateByKey", func(t Time, v []int, s *int) *int { return s }},
		{"map: nil", "StateSpecFunc", nil},
		{"map: value not a pointer", "StateSpecFunc", func(k string, v int, s *State) int { return 0 }},
		{"map: no State", "StateSpecFunc", func(k string, v *int, s *int) int { return 0 }},
		{"map: no bool", "StateSpecFunc", func(t Time, k string, v *int, s *State) (int, int) { return 0, 0 }},
		{"map: State by value", "StateSpecFunc", func(k string, v *int, s State) int { return 0 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ssc := newTestContext(t)
			in := ssc.QueueStream(NewQueue(), true)
			err := buildError(func() {
				if tc.op == "UpdateStateByKey" {
					in.UpdateStateByKey(tc.f)
				} else {
					in.MapWithState(StateSpecFunc(tc.f))
				}
			})
			if err == nil {
				t.Fatalf("built with %T; want an *Error", tc.f)
			}
			if err.Op != tc.op || !strings.Contains(err.Msg, "want a func(") {
				t.Fatalf("got %v, want a %s error saying what func it wants", err, tc.op)
			}
		})
	}
}

func TestStateSpecOptionErrors(t *testing.T) {
	f := func(k string, v *int, s *State) int { return 0 }
	tests := []struct {
		name  string
		build func()
		op    string
	}{
		{"partitions", func() { StateSpecFunc(f).NumPartitions(0) }, "StateSpec.NumPartitions"},
		{"timeout", func() { StateSpecFunc(f).Timeout(-time.Second) }, "StateSpec.Timeout"},
		{"initial", func() { StateSpecFunc(f).InitialState(nil) }, "StateSpec.InitialState"},
		{"nil spec", func() {
			ssc := NewStreamingContext("local[2]", "x", time.Second, WithManualClock())
			ssc.QueueStream(NewQueue(), true).MapWithState(nil)
		}, "MapWithState"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := buildError(tc.build)
			if err == nil || err.Op != tc.op {
				t.Fatalf("got %v, want an error of %s", err, tc.op)
			}
		})
	}
}

// TestStateMisuse checks that misusing State inside the mapping function
// fails the batch with an error naming MapWithState, the time and the key.
func TestStateMisuse(t *testing.T) {
	tests := []struct {
		name string
		f    func(k string, v *int, s *State) int
		want string
	}{
		{"update while timing out", func(k string, v *int, s *State) int { s.Update(1); return 0 }, "cannot update the state of key a, which is timing out"},
		{"remove while timing out", func(k string, v *int, s *State) int {
			if v == nil {
				s.Remove()
			} else {
				s.Update(1)
			}
			return 0
		}, "cannot remove the state of key a, which is timing out"},
		{"update after remove", func(k string, v *int, s *State) int {
			if v != nil && *v == 2 {
				s.Remove()
			}
			s.Update(1)
			return 0
		}, "cannot update the state of key a after Remove"},
		{"remove twice", func(k string, v *int, s *State) int {
			if v != nil && *v == 2 {
				s.Remove()
				s.Remove()
			}
			s.Update(1)
			return 0
		}, "state of key a was already removed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ssc := newTestContext(t)
			q := NewQueue()
			ssc.QueueStream(q, true).MapWithState(StateSpecFunc(tc.f).Timeout(time.Second)).Print()
			q.Push(KV("a", 1))
			q.Push(KV("a", 2))
			if err := ssc.Start(); err != nil {
				t.Fatal(err)
			}
			var err error
			for i := 0; i < 4 && err == nil; i++ {
				err = ssc.Advance(time.Second)
			}
			var e *Error
			if !errors.As(err, &e) || e.Op != "MapWithState" || e.Time == 0 || !strings.Contains(e.Msg, tc.want) {
				t.Fatalf("got %v, want a MapWithState error at a batch time saying %q", err, tc.want)
			}
		})
	}
}

func TestStateGetWithoutState(t *testing.T) {
	ssc := newTestContext(t)
	q := NewQueue()
	var got []string
	ssc.QueueStream(q, true).MapWithState(StateSpecFunc(func(k string, v *int, s *State) int {
		got = append(got, fmt.Sprintf("%v %v %v", s.Exists(), s.Get(), s))
		s.Update(*v)
		return 0
	}).NumPartitions(1)).Print()
	q.Push(KV("a", 1))
	q.Push(KV("a", 2))
	ssc.Start()
	if err := ssc.Advance(2 * time.Second); err != nil {
		t.Fatal(err)
	}
	want := "[false <nil> <state: none> true 1 <state: 1>]"
	if fmt.Sprint(got) != want {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestUpdateStateByKeyUserPanic(t *testing.T) {
	ssc := newTestContext(t)
	q := NewQueue()
	ssc.QueueStream(q, true).UpdateStateByKey(func(v []int, s *int) *int {
		if len(v) > 0 && v[0] < 0 {
			panic("negative")
		}
		return s
	}).Print()
	q.Push(KV("a", -1))
	ssc.Start()
	err := ssc.Advance(time.Second)
	var e *Error
	if !errors.As(err, &e) || e.Op != "UpdateStateByKey" || e.Time != 1000 || !strings.Contains(e.Msg, "negative") {
		t.Fatalf("got %v, want an UpdateStateByKey failure at 1000 ms with the panic", err)
	}
	if err := ssc.Err(); err == nil {
		t.Fatal("the context does not report the failed batch")
	}
}

// restoreCase is a stateful pipeline, run three ways: uninterrupted; and
// for three batches, snapshotted, then restored into a fresh context (after
// three empty batches there, so batch times line up) and continued.
type restoreCase struct {
	name    string
	build   func(in *DStream) *DStream
	batches [][]any
}

func TestStateSnapshotRestore(t *testing.T) {
	sum := func(v []int, s *int) *int {
		n := 0
		if s != nil {
			n = *s
		}
		for _, x := range v {
			if x == 0 {
				return nil
			}
			n += x
		}
		return &n
	}
	counter := func(k string, v *int, s *State) Pair {
		n := 0
		if s.Exists() {
			n = s.Get().(int)
		}
		if s.IsTimingOut() {
			return KV(k, -n)
		}
		s.Update(n + *v)
		return KV(k, n+*v)
	}
	batches := [][]any{
		{KV("a", 1), KV("b", 2)}, {KV("a", 3), KV("c", 1)}, {KV("b", 1)},
		{KV("a", 1)}, {}, {KV("c", 0), KV("b", 5)}, {}, {}, {KV("d", 1)},
	}
	tests := []restoreCase{
		{"UpdateStateByKey", func(in *DStream) *DStream { return in.UpdateStateByKey(sum, NumTasks(3)) }, batches},
		{"MapWithState", func(in *DStream) *DStream {
			m := in.MapWithState(StateSpecFunc(counter).Timeout(2 * time.Second))
			return m.Union(m.StateSnapshots().Map(func(p Pair) Pair { return KV("snapshot", p) }))
		}, batches},
		{"ReduceByKeyAndWindow", func(in *DStream) *DStream {
			return in.ReduceByKeyAndWindow(Sum, 3*time.Second, time.Second, Inverse(Diff))
		}, batches},
		{"ReduceByKeyAndWindow slide 2s", func(in *DStream) *DStream {
			return in.ReduceByKeyAndWindow(Sum, 4*time.Second, 2*time.Second, Inverse(Diff), FilterFunc(func(p Pair) bool { return p.Value != 0 }))
		}, append(batches, []any{KV("e", 1)})},
		{"CountByValueAndWindow", func(in *DStream) *DStream {
			return in.Map(func(p Pair) any { return p.Key }).CountByValueAndWindow(2*time.Second, time.Second)
		}, batches},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			full := runStateful(t, tc, nil)

			// Run the first three batches and snapshot every stateful stream.
			first := runStateful(t, restoreCase{tc.name, tc.build, tc.batches[:3]}, nil)
			_ = first
			saved := lastSnapshots
			if len(saved) == 0 {
				t.Fatal("no stateful stream reported a snapshot")
			}
			resumed := runStateful(t, tc, saved)
			for bt := Time(4000); bt <= Time(len(tc.batches)*1000); bt += 1000 {
				if fmt.Sprint(resumed[bt]) != fmt.Sprint(full[bt]) {
					t.Errorf("at %s after restoring: got %v, want %v", bt, resumed[bt], full[bt])
				}
			}
		})
	}
}

type savedState struct {
	t       Time
	parts   [][]any
	times   []Time
	batches [][][]any
}

// lastSnapshots holds the snapshots runStateful took at its end.
var lastSnapshots []savedState

// runStateful runs tc and returns the sorted output per batch time. With
// restore, the first three batches are empty and the stateful streams are
// then restored from it.
func runStateful(t *testing.T, tc restoreCase, restore []savedState) map[Time]string {
	t.Helper()
	ssc := newTestContext(t)
	q := NewQueue()
	out := map[Time]string{}
	tc.build(ssc.QueueStream(q, true)).ForeachRDD(func(r *RDD, bt Time) {
		var xs []string
		for _, x := range r.Collect() {
			xs = append(xs, Format(x))
		}
		sortStrings(xs)
		out[bt] = strings.Join(xs, " ")
	})
	var stateful []*DStream
	for _, d := range ssc.streams {
		if d.isStateful() {
			stateful = append(stateful, d)
		}
	}
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	for i, b := range tc.batches {
		if restore != nil && i < 3 {
			q.Push()
		} else {
			q.Push(b...)
		}
		if restore != nil && i == 3 {
			if len(restore) != len(stateful) {
				t.Fatalf("%d snapshots for %d stateful streams", len(restore), len(stateful))
			}
			for j, d := range stateful {
				d.restoreState(restore[j].t, restore[j].parts)
				d.restoreWindowBatches(restore[j].times, restore[j].batches)
			}
		}
		if err := ssc.Advance(time.Second); err != nil {
			t.Fatal(err)
		}
	}
	lastSnapshots = nil
	for _, d := range stateful {
		st, parts, ok := d.stateSnapshot()
		if !ok {
			continue
		}
		times, batches := d.windowBatches()
		lastSnapshots = append(lastSnapshots, savedState{st, parts, times, batches})
	}
	return out
}

func sortStrings(xs []string) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

func TestSnapshotOfStatelessStream(t *testing.T) {
	ssc := newTestContext(t)
	in := ssc.QueueStream(NewQueue(), true)
	if _, _, ok := in.stateSnapshot(); ok {
		t.Fatal("a queue stream reports state")
	}
	st := in.UpdateStateByKey(func(v []int, s *int) *int { return s })
	if _, _, ok := st.stateSnapshot(); ok {
		t.Fatal("a state stream reports state before its first batch")
	}
	err := buildError(func() { in.restoreState(0, nil) })
	if err == nil || err.Op != "QueueStream" {
		t.Fatalf("restoring a stateless stream: got %v, want a QueueStream error", err)
	}
}

// TestWindowBatchesAfterLatestWindow checks that an incremental window
// sliding over several batches reports the batches run since its latest
// window, also over a Union (which cannot compute times not yet generated).
func TestWindowBatchesAfterLatestWindow(t *testing.T) {
	ssc := newTestContext(t)
	q1, q2 := NewQueue(), NewQueue()
	in := ssc.Union(ssc.QueueStream(q1, true), ssc.QueueStream(q2, true))
	w := in.ReduceByKeyAndWindow(Sum, 4*time.Second, 2*time.Second, Inverse(Diff))
	w.Print()
	q1.Push(KV("a", 1))
	q2.Push(KV("b", 1))
	q1.Push(KV("a", 2))
	q1.Push(KV("a", 4))
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	if err := ssc.Advance(3 * time.Second); err != nil {
		t.Fatal(err)
	}
	st, parts, ok := w.stateSnapshot()
	if !ok || st != 2000 {
		t.Fatalf("snapshot at %s (ok %v), want the window at 2000 ms", st, ok)
	}
	var got []string
	for _, p := range parts {
		for _, x := range p {
			got = append(got, Format(x))
		}
	}
	sortStrings(got)
	if fmt.Sprint(got) != "[(a,3) (b,1)]" {
		t.Fatalf("window state %v, want [(a,3) (b,1)]", got)
	}
	times, batches := w.windowBatches()
	if fmt.Sprint(times) != "[1000 ms 2000 ms 3000 ms]" {
		t.Fatalf("window batches at %v, want 1000, 2000 and 3000 ms", times)
	}
	if last := fmt.Sprint(batches[2]); !strings.Contains(last, "(a,4)") {
		t.Fatalf("batch 3000 ms holds %v, want (a,4)", last)
	}
}

// UpdateStateByKey's state keeps its keys in the order they came: the
// function runs for every key with a state, new keys follow in the order
// first met, a removed key that comes back takes its place at the end, and
// a key the batch did not change keeps its state.
func TestUpdateStateByKeyOrder(t *testing.T) {
	var calls []string
	sum := func(tm Time, k string, v []int, s *int) *int {
		calls = append(calls, fmt.Sprintf("%d:%s%v", tm/1000, k, v))
		n := 0
		if s != nil {
			n = *s
		}
		for _, x := range v {
			if x == 0 {
				return nil
			}
			n += x
		}
		return &n
	}
	got, err := runBatches(t, [][]any{
		{KV("b", 1), KV("a", 1), KV("c", 1)},
		{KV("d", 1), KV("a", 0), KV("b", 2)},
		{KV("a", 5), KV("e", 1)},
		{},
	}, func(in *DStream) *DStream { return in.UpdateStateByKey(sum, NumTasks(1)) })
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"[(b,1) (a,1) (c,1)]",
		"[(b,3) (c,1) (d,1)]",
		"[(b,3) (c,1) (d,1) (a,5) (e,1)]",
		"[(b,3) (c,1) (d,1) (a,5) (e,1)]",
	}
	if len(got) != len(want) {
		t.Fatalf("%d batches, want %d", len(got), len(want))
	}
	for i := range want {
		if s := fmt.Sprint(got[i]); s != want[i] {
			t.Errorf("batch %d: %s, want %s", i+1, s, want[i])
		}
	}
	if s, w := strings.Join(calls, " "), "1:b[1] 1:a[1] 1:c[1] 2:b[2] 2:a[0] 2:c[] 2:d[1] 3:b[] 3:c[] 3:d[] 3:a[5] 3:e[1] 4:b[] 4:c[] 4:d[] 4:a[] 4:e[]"; s != w {
		t.Errorf("calls %s\nwant  %s", s, w)
	}
}
