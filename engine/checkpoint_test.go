package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gostream/gostream/engine/internal/checkpoint"
)

// ftJob is the graph the in-process recovery tests run: a running word count
// over RateStream kept by UpdateStateByKey, checkpointed every 500 ms, whose
// batches are collected (sorted) per batch time.
type ftJob struct {
	mu     sync.Mutex
	out    map[Time][]string
	during func(t Time) // called inside every batch's output job
	filter bool         // build a different graph
	batch  time.Duration
	graph  func(words *DStream) *DStream // the stateful part; nil: UpdateStateByKey
}

func newFTJob() *ftJob { return &ftJob{out: map[Time][]string{}, batch: Milliseconds(100)} }

func (j *ftJob) create() *StreamingContext {
	ssc := NewStreamingContext("local[2]", "ft", j.batch, WithManualClock(), WithBatchLog(nil))
	words := ssc.RateStream(100).FlatMap(strings.Fields)
	if j.filter {
		words = words.Filter(func(w string) bool { return w != "the" })
	}
	if j.graph != nil {
		j.collect(j.graph(words))
		return ssc
	}
	counts := words.Map(func(w string) Pair { return KV(w, 1) }).
		UpdateStateByKey(func(vs []int, s *int) *int {
			n := 0
			if s != nil {
				n = *s
			}
			for _, v := range vs {
				n += v
			}
			return &n
		})
	counts.Checkpoint(Milliseconds(500))
	j.collect(counts)
	return ssc
}

// collect records every RDD of d, its elements formatted and sorted.
func (j *ftJob) collect(d *DStream) {
	d.ForeachRDD(func(r *RDD, t Time) {
		var lines []string
		for _, x := range r.Collect() {
			lines = append(lines, Format(x))
		}
		sort.Strings(lines)
		j.mu.Lock()
		j.out[t] = lines
		during := j.during
		j.mu.Unlock()
		if during != nil {
			during(t)
		}
	})
}

func (j *ftJob) outputs() map[Time][]string {
	j.mu.Lock()
	defer j.mu.Unlock()
	m := make(map[Time][]string, len(j.out))
	for k, v := range j.out {
		m[k] = v
	}
	return m
}

// advanceTo advances ssc's manual clock to t.
func advanceTo(t *testing.T, ssc *StreamingContext, to Time) {
	t.Helper()
	if d := time.Duration(to-ssc.Now()) * time.Millisecond; d > 0 {
		if err := ssc.Advance(d); err != nil {
			t.Fatalf("Advance to %s: %v", to, err)
		}
	}
}

// copyDir copies the regular files of src (recursively) into dst: what a
// crash at this moment would leave on disk.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// uninterrupted runs the job from scratch to end and returns its outputs.
func uninterrupted(t *testing.T, end Time, graph func(*DStream) *DStream) map[Time][]string {
	t.Helper()
	j := newFTJob()
	j.graph = graph
	ssc := GetOrCreate(t.TempDir(), j.create)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	advanceTo(t, ssc, end)
	ssc.Stop(false)
	return j.outputs()
}

// TestRecoveryReRunsPendingBatch takes a copy of the checkpoint directory in
// the middle of a batch (as a crash would leave it), recovers from it, and
// checks that the outputs of both runs together equal an uninterrupted run:
// the interrupted batch runs again, state is neither lost nor counted twice.
func TestRecoveryReRunsPendingBatch(t *testing.T) {
	testRecoveryReRunsPendingBatch(t, nil, []Time{100, 400, 500, 600, 1000, 1300, 2700})
}

// TestRecoveryStatefulStreams is TestRecoveryReRunsPendingBatch for every
// kind of stateful stream, and windows without state.
func TestRecoveryStatefulStreams(t *testing.T) {
	pairs := func(words *DStream) *DStream { return words.Map(func(w string) Pair { return KV(w, 1) }) }
	sum := func(a, b int) int { return a + b }
	graphs := map[string]func(*DStream) *DStream{
		"ReduceByKeyAndWindow with Inverse": func(words *DStream) *DStream {
			return pairs(words).ReduceByKeyAndWindow(sum, Milliseconds(600), Milliseconds(200),
				Inverse(func(a, b int) int { return a - b }), FilterFunc(func(kv Pair) bool { return kv.Value.(int) > 0 })).
				Checkpoint(Milliseconds(400))
		},
		"CountByValueAndWindow": func(words *DStream) *DStream {
			return words.CountByValueAndWindow(Milliseconds(500), Milliseconds(100))
		},
		"MapWithState and its snapshots": func(words *DStream) *DStream {
			m := pairs(words).MapWithState(StateSpecFunc(func(w string, v *int, s *State) string {
				n := 0
				if s.Exists() {
					n = s.Get().(int)
				}
				n += *v
				s.Update(n)
				return fmt.Sprintf("%s=%d", w, n)
			}))
			m.Checkpoint(Milliseconds(300))
			return m.Union(m.StateSnapshots().Map(func(p Pair) string { return Format(p) }))
		},
		"Window without state": func(words *DStream) *DStream {
			return words.Window(Milliseconds(400), Milliseconds(200)).CountByValue()
		},
	}
	for name, g := range graphs {
		t.Run(name, func(t *testing.T) { testRecoveryReRunsPendingBatch(t, g, []Time{200, 600, 1400, 2000}) })
	}
}

func testRecoveryReRunsPendingBatch(t *testing.T, graph func(*DStream) *DStream, crashes []Time) {
	const end = Time(3000)
	want := uninterrupted(t, end, graph)
	for _, crash := range crashes {
		t.Run(crash.String(), func(t *testing.T) {
			dir, snap := t.TempDir(), filepath.Join(t.TempDir(), "snap")
			j1 := newFTJob()
			j1.graph = graph
			var once sync.Once
			j1.during = func(bt Time) {
				if bt == crash {
					once.Do(func() { copyDir(t, dir, snap) })
				}
			}
			ssc := GetOrCreate(dir, j1.create)
			if ssc.Recovered() {
				t.Fatal("Recovered() on a fresh directory")
			}
			if err := ssc.Start(); err != nil {
				t.Fatal(err)
			}
			advanceTo(t, ssc, crash)
			ssc.Stop(false)

			j2 := newFTJob()
			j2.graph = graph
			ssc2 := GetOrCreate(snap, j2.create)
			if !ssc2.Recovered() {
				t.Fatal("Recovered() is false after GetOrCreate on a checkpoint")
			}
			if err := ssc2.Start(); err != nil {
				t.Fatal(err)
			}
			if got := ssc2.Now(); got != crash {
				t.Errorf("clock after recovery at %s, want %s", got, crash)
			}
			advanceTo(t, ssc2, end)
			ssc2.Stop(false)

			got := j1.outputs()
			second := j2.outputs()
			if _, ok := second[crash]; !ok {
				t.Errorf("the batch at %s, interrupted, did not run again", crash)
			}
			for k, v := range second {
				if k < crash {
					t.Errorf("batch %s ran again after recovery, though it had completed", k)
				}
				got[k] = v
			}
			compareOutputs(t, got, want)
		})
	}
}

func compareOutputs(t *testing.T, got, want map[Time][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d batches, want %d", len(got), len(want))
	}
	var times []Time
	for k := range want {
		times = append(times, k)
	}
	sort.Slice(times, func(a, b int) bool { return times[a] < times[b] })
	for _, k := range times {
		if !reflect.DeepEqual(got[k], want[k]) {
			t.Fatalf("batch %s:\ngot  %v\nwant %v", k, got[k], want[k])
		}
	}
}

// TestCheckpointCleanup runs a job for many batches and checks that the
// directory holds only the last few metadata files and the state files they
// refer to.
func TestCheckpointCleanup(t *testing.T) {
	dir := t.TempDir()
	j := newFTJob()
	ssc := GetOrCreate(dir, j.create)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	advanceTo(t, ssc, 5000)
	ssc.Stop(false)
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var metas, states, other []string
	for _, e := range ents {
		switch {
		case strings.HasPrefix(e.Name(), ckptMetaPrefix):
			metas = append(metas, e.Name())
		case strings.HasPrefix(e.Name(), ckptStatePre):
			states = append(states, e.Name())
		case e.Name() == ckptLockName:
		default:
			other = append(other, e.Name())
		}
	}
	if len(metas) != ckptKeep {
		t.Errorf("%d metadata files after 50 batches (%v), want %d", len(metas), metas, ckptKeep)
	}
	referenced := map[string]bool{}
	for _, n := range metas {
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		m, err := decodeMeta(data)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		for _, s := range m.States {
			referenced[s.File] = true
		}
	}
	for _, s := range states {
		if !referenced[s] {
			t.Errorf("state file %s is referred to by no metadata file kept", s)
		}
	}
	if !referenced[stateName(3, 5000)] || len(states) > 2 {
		t.Errorf("state files %v, want the one of 5000 ms and at most one older", states)
	}
	if len(other) != 0 {
		t.Errorf("unexpected files %v", other)
	}
	m, _, err := checkpoint.ReadLatest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Completed != 5000 || len(m.Pending) != 0 {
		t.Errorf("checkpoint completed %s pending %v, want 5000 ms and none", Time(m.Completed), toTimes(m.Pending))
	}
	// Input batches are kept for as long as the input is remembered (1 s:
	// twice the state's checkpoint interval), not since the start.
	if bs := m.Inputs[0].Batches; len(bs) == 0 || len(bs) > 10 || bs[0].Time <= 4000 {
		t.Errorf("input batches kept: %v, want those after 4000 ms", bs)
	}
}

// ckptFixture runs the job for a second and returns its checkpoint
// directory, the latest metadata file and the state file.
func ckptFixture(t *testing.T) (dir, meta, state string) {
	t.Helper()
	dir = t.TempDir()
	j := newFTJob()
	ssc := GetOrCreate(dir, j.create)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	advanceTo(t, ssc, 1200)
	ssc.Stop(false)
	names, _, err := metaFiles(dir)
	if err != nil || len(names) == 0 {
		t.Fatalf("no metadata files in %s: %v", dir, err)
	}
	return dir, filepath.Join(dir, names[len(names)-1]), filepath.Join(dir, stateName(3, 1000))
}

// TestBadCheckpoints damages checkpoint files in every way a disk or a user
// can, and checks that GetOrCreate refuses them with an *Error naming the
// file and the problem, without calling create on a bad file.
func TestBadCheckpoints(t *testing.T) {
	edit := func(f func([]byte) []byte) func(t *testing.T, path string) {
		return func(t *testing.T, path string) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, f(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	reframe := func(f func(payload []byte) []byte) func([]byte) []byte {
		return func(data []byte) []byte {
			payload := data[ckptHeaderLen : len(data)-ckptTrailerLen]
			return frameCheckpoint(data[6], f(payload))
		}
	}
	tests := []struct {
		name    string
		state   bool // damage the state file instead of the metadata
		damage  func(t *testing.T, path string)
		job     func(j *ftJob)
		wantMsg string
	}{
		{name: "empty", damage: edit(func([]byte) []byte { return nil }), wantMsg: "empty file"},
		{name: "truncated header", damage: edit(func(b []byte) []byte { return b[:9] }), wantMsg: "truncated: 9 bytes"},
		{name: "truncated payload", damage: edit(func(b []byte) []byte { return b[:len(b)/2] }), wantMsg: "truncated: the header announces"},
		{name: "truncated checksum", damage: edit(func(b []byte) []byte { return b[:len(b)-2] }), wantMsg: "truncated"},
		{name: "flipped bit", damage: edit(func(b []byte) []byte { b[ckptHeaderLen+5] ^= 0x10; return b }), wantMsg: "corrupt: checksum mismatch"},
		{name: "trailing bytes", damage: edit(func(b []byte) []byte { return append(b, "xx"...) }), wantMsg: "corrupt: 2 unexpected bytes"},
		{name: "bad magic", damage: edit(func(b []byte) []byte { b[0] = 'X'; return b }), wantMsg: "not a gostream checkpoint file"},
		{name: "newer version", damage: edit(func(b []byte) []byte { b[5] = 9; return b }), wantMsg: "format version 9, this gostream reads versions 1 to 2"},
		{name: "state file as metadata", damage: edit(func(b []byte) []byte { b[6] = ckptKindState; return b }), wantMsg: "a state checkpoint file where a metadata checkpoint file was expected"},
		{name: "bad json", damage: edit(reframe(func([]byte) []byte { return []byte("{not json") })), wantMsg: "corrupt metadata"},
		{name: "unknown field", damage: edit(reframe(func(p []byte) []byte { return append([]byte(`{"extra":1,`), p[1:]...) })), wantMsg: `unknown field "extra"`},
		{name: "bad batch interval", damage: edit(reframe(func(p []byte) []byte {
			return []byte(strings.Replace(string(p), `"batch_ms":100`, `"batch_ms":0`, 1))
		})), wantMsg: "batch interval 0 ms"},
		{name: "state file missing", state: true, damage: func(t *testing.T, path string) { os.Remove(path) }, wantMsg: "no such file"},
		{name: "state truncated", state: true, damage: edit(func(b []byte) []byte { return b[:len(b)-10] }), wantMsg: "truncated"},
		{name: "state flipped bit", state: true, damage: edit(func(b []byte) []byte { b[len(b)-8] ^= 1; return b }), wantMsg: "checksum mismatch"},
		{name: "state bad partition", state: true, damage: edit(reframe(func(p []byte) []byte {
			return []byte(`{"stream":3,"op":"UpdateStateByKey","time":1000,"parts":["AAAA"]}`)
		})), wantMsg: "corrupt state: partition 0"},
		{name: "state of another time", state: true, damage: edit(reframe(func(p []byte) []byte {
			return []byte(`{"stream":3,"op":"UpdateStateByKey","time":900,"parts":[]}`)
		})), wantMsg: "holds the state of stream 3 at 900 ms"},
		{name: "different graph", job: func(j *ftJob) { j.filter = true }, wantMsg: "stream 2 differs: the checkpoint has Map of stream 1, slide 100ms, the rebuilt graph has Filter of stream 1, slide 100ms"},
		{name: "different batch interval", job: func(j *ftJob) { j.batch = Milliseconds(50) }, wantMsg: "batch interval of 100ms, the rebuilt context 50ms"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, meta, state := ckptFixture(t)
			path := meta
			if tc.state {
				path = state
			}
			if tc.damage != nil {
				tc.damage(t, path)
			}
			j := newFTJob()
			if tc.job != nil {
				tc.job(j)
			}
			called := false
			create := func() *StreamingContext { called = true; return j.create() }
			err := mustPanicError(t, func() { GetOrCreate(dir, create) })
			msg := err.Error()
			if !strings.Contains(msg, tc.wantMsg) {
				t.Errorf("error %q does not say %q", msg, tc.wantMsg)
			}
			if !strings.Contains(msg, path) {
				t.Errorf("error %q does not name the file %s", msg, path)
			}
			if !errors.Is(err, ErrBadCheckpoint) {
				t.Errorf("errors.Is(%v, ErrBadCheckpoint) is false", err)
			}
			if called && !tc.state && tc.job == nil {
				t.Error("create was called for a bad metadata file")
			}
		})
	}
}

// mustPanicError calls f and returns the *Error it panics with.
func mustPanicError(t *testing.T, f func()) (err *Error) {
	t.Helper()
	defer func() {
		r := recover()
		if r == nil {
			t.Fatal("no panic")
		}
		e, ok := r.(*Error)
		if !ok {
			t.Fatalf("panicked with %T (%v), want *engine.Error", r, r)
		}
		err = e
	}()
	f()
	return nil
}

// FuzzReadCheckpoint feeds arbitrary bytes to the checkpoint decoders: they
// return an error or a checkpoint, and never panic.
func FuzzReadCheckpoint(f *testing.F) {
	meta, _ := encodeMeta(&ckptMeta{
		App: "ft", Master: "local[2]", BatchMS: 100, Graph: []string{"RateStream input, slide 100ms", "UpdateStateByKey of stream 0, slide 100ms, stateful"},
		Zero: 0, Completed: 300, Pending: []int64{400},
		Inputs: []ckptInput{{Stream: 0, Op: "RateStream", Position: []byte{0, 0, 0, 0, 0, 0, 0, 9}, Batches: []ckptBatch{{Time: 400, Records: 10, Data: encodeRange(3, 9)}}}},
		States: []ckptStateRef{{Stream: 1, Time: 300, File: stateName(1, 300)}},
	})
	f.Add(meta)
	parts, _ := encodeParts("UpdateStateByKey", [][]any{{KV("a", 1), KV("b", 2)}, {}})
	payload, _ := json.Marshal(&ckptState{Stream: 1, Op: "UpdateStateByKey", Time: 300, Parts: parts,
		WindowTimes: []int64{200}, WindowParts: [][][]byte{parts}})
	f.Add(frameCheckpoint(ckptKindState, payload))
	f.Add([]byte("GSCK"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		if m, err := decodeMeta(data); err == nil {
			if _, err := encodeMeta(m); err != nil {
				t.Errorf("a decoded checkpoint does not encode again: %v", err)
			}
		}
		if st, parts, win, err := decodeState(data); err == nil {
			if len(parts) != len(st.Parts) || len(win) != len(st.WindowTimes) {
				t.Errorf("decoded %d partitions of %d, %d window batches of %d", len(parts), len(st.Parts), len(win), len(st.WindowTimes))
			}
		}
		// The payload alone, framed, reaches the JSON and element decoders.
		decodeMeta(frameCheckpoint(ckptKindMeta, data))
		decodeState(frameCheckpoint(ckptKindState, data))
	})
}

func ExampleGetOrCreate() {
	dir, _ := os.MkdirTemp("", "checkpoint")
	defer os.RemoveAll(dir)
	create := func() *StreamingContext {
		ssc := NewStreamingContext("local[2]", "RunningCount", Seconds(1), WithManualClock(), WithBatchLog(nil))
		ssc.RateStream(4).Map(func(string) Pair { return KV("lines", 1) }).
			UpdateStateByKey(func(vs []int, total *int) *int {
				n := len(vs)
				if total != nil {
					n += *total
				}
				return &n
			}).Print()
		return ssc
	}
	// The second GetOrCreate, as a restarted program would, rebuilds the
	// graph with create and resumes from the checkpoint.
	for _, seconds := range []int64{2, 1} {
		ssc := GetOrCreate(dir, create)
		fmt.Println("recovered:", ssc.Recovered())
		ssc.Start()
		ssc.Advance(Seconds(seconds))
		ssc.Stop(false)
	}
	// Output:
	// recovered: false
	// -------------------------------------------
	// Time: 1000 ms
	// -------------------------------------------
	// (lines,4)
	//
	// -------------------------------------------
	// Time: 2000 ms
	// -------------------------------------------
	// (lines,8)
	//
	// recovered: true
	// -------------------------------------------
	// Time: 3000 ms
	// -------------------------------------------
	// (lines,12)
}

// TestCheckpointWriteFailure makes the checkpoint directory unusable while
// the context runs: the failure reaches Err and AwaitTermination, naming
// the directory, and the batches go on.
func TestCheckpointWriteFailure(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ckpt")
	j := newFTJob()
	ssc := GetOrCreate(dir, j.create)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	advanceTo(t, ssc, 200)
	os.RemoveAll(dir)
	os.WriteFile(dir, []byte("not a directory"), 0o644)
	advanceTo(t, ssc, 400)
	ssc.Stop(false)
	err := ssc.Err()
	if err == nil || !strings.Contains(err.Error(), "checkpoint") || !strings.Contains(err.Error(), dir) {
		t.Fatalf("Err() = %v, want a checkpoint error naming %s", err, dir)
	}
	if got := j.outputs(); len(got) != 4 {
		t.Errorf("%d batches ran, want 4", len(got))
	}
}

// A QueueStream's RDDs live in the program's memory, so a graph holding one
// cannot checkpoint: Start refuses it, as Spark's does ("queueStream doesn't
// support checkpointing"), instead of running batches a restart would lose.
func TestQueueStreamRefusesCheckpoint(t *testing.T) {
	for _, tc := range []struct {
		name  string
		build func(dir string) *StreamingContext
	}{
		{"Checkpoint", func(dir string) *StreamingContext {
			ssc := NewStreamingContext("local[2]", "q", Seconds(1), WithManualClock(), WithBatchLog(nil))
			ssc.QueueStream(NewQueue(), true).Print()
			ssc.Checkpoint(dir)
			return ssc
		}},
		{"GetOrCreate", func(dir string) *StreamingContext {
			return GetOrCreate(dir, func() *StreamingContext {
				ssc := NewStreamingContext("local[2]", "q", Seconds(1), WithManualClock(), WithBatchLog(nil))
				ssc.RateStream(10).Union(ssc.QueueStream(NewQueue(), false)).Count().Print()
				return ssc
			})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "ckpt")
			ssc := tc.build(dir)
			ssc.SetOutput(nil)
			defer ssc.Stop(false)
			err := ssc.Start()
			if !errors.Is(err, ErrQueueCheckpoint) {
				t.Fatalf("Start: got %v, want ErrQueueCheckpoint", err)
			}
			for _, want := range []string{"StreamingContext.Start", "QueueStream does not support checkpointing", dir} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
			if st := ssc.State(); st != Initialized {
				t.Errorf("state after the refused Start: %v, want %v", st, Initialized)
			}
			if ents, _ := os.ReadDir(dir); len(ents) > 0 {
				t.Errorf("the refused Start wrote %d files into the checkpoint directory", len(ents))
			}
			// Without the checkpoint directory the same graph runs.
			ssc.Checkpoint("")
			if err := ssc.Start(); err != nil {
				t.Fatalf("Start without a checkpoint: %v", err)
			}
			if err := ssc.Advance(Seconds(1)); err != nil {
				t.Fatal(err)
			}
		})
	}
}
