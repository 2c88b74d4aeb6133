package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gostream/gostream/engine/internal/checkpoint"
)

// stableKeys is an initial state of n keys that no batch of RateStream
// touches: most of the state stays the same from batch to batch, as in a
// long-running job, so its checkpoints are deltas.
func stableKeys(ssc *StreamingContext, n int) *RDD {
	xs := make([]any, n)
	for i := range xs {
		xs[i] = KV(fmt.Sprintf("stable-%04d", i), i)
	}
	return ssc.Parallelize(xs)
}

// TestRecoveryDeltaCheckpoints is TestRecoveryReRunsPendingBatch for
// stateful streams checkpointed every batch, so that their state files are
// chains of deltas with keys removed and added again, and full snapshots
// in between: recovery from any moment gives the outputs of an
// uninterrupted run.
func TestRecoveryDeltaCheckpoints(t *testing.T) {
	pairs := func(words *DStream) *DStream { return words.Map(func(w string) Pair { return KV(w, 1) }) }
	graphs := map[string]func(*DStream) *DStream{
		"UpdateStateByKey removing keys": func(words *DStream) *DStream {
			return pairs(words).UpdateStateByKey(func(vs []int, s *int) *int {
				n := 0
				if s != nil {
					n = *s
				}
				for _, v := range vs {
					n += v
				}
				if len(vs) > 0 && n%3 == 0 {
					return nil // removed; the key's next word adds it again
				}
				return &n
			}, InitialState(stableKeys(words.Context(), 300))).Checkpoint(Milliseconds(100))
		},
		"MapWithState with a timeout": func(words *DStream) *DStream {
			spec := StateSpecFunc(func(w string, v *int, s *State) string {
				if v == nil {
					return w + " timed out"
				}
				n := *v
				if s.Exists() {
					n += s.Get().(int)
				}
				s.Update(n)
				return fmt.Sprintf("%s=%d", w, n)
			}).Timeout(Milliseconds(1000)).InitialState(stableKeys(words.Context(), 300))
			m := pairs(words).MapWithState(spec)
			m.Checkpoint(Milliseconds(100))
			return m.Union(m.StateSnapshots().Map(func(p Pair) string { return Format(p) }))
		},
		"ReduceByKeyAndWindow with Inverse": func(words *DStream) *DStream {
			return pairs(words).ReduceByKeyAndWindow(func(a, b int) int { return a + b }, Milliseconds(1500), Milliseconds(100),
				Inverse(func(a, b int) int { return a - b }), FilterFunc(func(kv Pair) bool { return kv.Value.(int) > 0 })).
				Checkpoint(Milliseconds(100))
		},
	}
	for name, g := range graphs {
		t.Run(name, func(t *testing.T) { testRecoveryReRunsPendingBatch(t, g, []Time{300, 1200, 1500, 2600}) })
	}
}

// TestStateCheckpointDeltas checks what a checkpointed UpdateStateByKey
// writes: a full snapshot, then small deltas chained on it, a new snapshot
// every SnapshotEvery deltas, and only the files the kept metadata refers
// to stay; a restart from the directory has the same state.
func TestStateCheckpointDeltas(t *testing.T) {
	dir := t.TempDir()
	create := func() *StreamingContext {
		ssc := NewStreamingContext("local[2]", "deltas", Milliseconds(100), WithManualClock(), WithBatchLog(nil))
		counts := ssc.RateStream(20).FlatMap(strings.Fields).Map(WithOne).
			UpdateStateByKey(func(vs []int, s *int) *int {
				n := 0
				if s != nil {
					n = *s
				}
				for _, v := range vs {
					n += v
				}
				return &n
			}, InitialState(stableKeys(ssc, 2000)))
		counts.Checkpoint(Milliseconds(100))
		counts.ForeachRDD(func(*RDD) {})
		return ssc
	}
	ssc := GetOrCreate(dir, create)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	sizes := map[string]int64{} // every state file seen, with its size
	look := func() {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ckptStatePre) {
				if fi, err := e.Info(); err == nil {
					sizes[e.Name()] = fi.Size()
				}
			}
		}
	}
	for i := 0; i < 25; i++ {
		advanceTo(t, ssc, Time(100*(i+1)))
		look()
	}
	want := stateOf(t, ssc, 0)
	ssc.Stop(false)

	var fulls, deltas []string
	for name := range sizes {
		if strings.HasSuffix(name, ".delta") {
			deltas = append(deltas, name)
		} else {
			fulls = append(fulls, name)
		}
	}
	sort.Strings(fulls)
	// Batches 100..2500 ms: snapshots at 100, 1200 and 2300 ms, each
	// followed by 10 deltas.
	if len(fulls) != 3 || len(deltas) != 22 {
		t.Errorf("state files written: %d full snapshots %v and %d deltas, want 3 and 22", len(fulls), fulls, len(deltas))
	}
	for _, d := range deltas {
		for _, f := range fulls {
			if sizes[d]*10 > sizes[f] {
				t.Errorf("delta %s is %d bytes, more than a tenth of the snapshot %s (%d bytes)", d, sizes[d], f, sizes[f])
			}
		}
	}
	m, _, err := checkpoint.ReadLatest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.States) != 1 || m.States[0].File != stateName(3, 2300) || len(m.States[0].Deltas) != 2 {
		t.Errorf("the latest metadata refers to state %+v, want the snapshot of 2300 ms and its 2 deltas", m.States)
	}
	// The files left are those of the last 3 metadata files.
	ents, _ := os.ReadDir(dir)
	var left []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ckptStatePre) {
			left = append(left, e.Name())
		}
	}
	if wantLeft := []string{"state-3-2300", "state-3-2400.delta", "state-3-2500.delta"}; strings.Join(left, " ") != strings.Join(wantLeft, " ") {
		t.Errorf("state files left %v, want %v", left, wantLeft)
	}

	ssc2 := GetOrCreate(dir, create)
	if err := ssc2.Start(); err != nil {
		t.Fatal(err)
	}
	defer ssc2.Stop(false)
	if got := stateOf(t, ssc2, 0); got != want {
		t.Errorf("state after the restart differs:\n got %.200s\nwant %.200s", got, want)
	}
}

// stateOf renders the latest state of the stateful stream of ssc's graph
// at index i of its stateful streams, sorted.
func stateOf(t *testing.T, ssc *StreamingContext, i int) string {
	t.Helper()
	var stateful []*DStream
	for _, d := range ssc.streams {
		if d.isStateful() {
			stateful = append(stateful, d)
		}
	}
	_, parts, ok := stateful[i].stateSnapshot()
	if !ok {
		t.Fatal("the stream holds no state")
	}
	var lines []string
	for _, p := range parts {
		for _, x := range p {
			lines = append(lines, Format(x))
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// TestRecoverVersion1Checkpoint recovers from a checkpoint directory that
// the previous format version wrote (testdata/checkpoint-v1: the job of
// newFTJob stopped after its batch of 1200 ms), and goes on as an
// uninterrupted run would.
func TestRecoverVersion1Checkpoint(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, filepath.Join("testdata", "checkpoint-v1"), dir)
	data, err := os.ReadFile(filepath.Join(dir, "state-3-1000"))
	if err != nil {
		t.Fatal(err)
	}
	if v := int(data[4])<<8 | int(data[5]); v != 1 {
		t.Fatalf("the fixture is of format version %d, want 1", v)
	}
	want := uninterrupted(t, 3000, nil)
	j := newFTJob()
	ssc := GetOrCreate(dir, j.create)
	if !ssc.Recovered() {
		t.Fatal("not recovered from the version 1 checkpoint")
	}
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	advanceTo(t, ssc, 3000)
	ssc.Stop(false)
	got := j.outputs()
	if _, ok := got[1200]; ok {
		t.Error("the batch of 1200 ms, completed before the checkpoint, ran again")
	}
	for bt := range want {
		if bt <= 1200 {
			delete(want, bt)
		}
	}
	compareOutputs(t, got, want)
}
