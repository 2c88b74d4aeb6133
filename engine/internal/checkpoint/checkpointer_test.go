package checkpoint

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

type failures struct{ errs []string }

func (f *failures) fail(t int64, err error) { f.errs = append(f.errs, fmt.Sprintf("%d: %v", t, err)) }

func testConfig(dir string, f *failures) Config {
	return Config{
		Dir:      dir,
		Meta:     Meta{App: "app", Master: "local[2]", BatchMS: 1000, Graph: []string{"in", "state"}, Zero: 0, Inputs: []Input{{Stream: 0, Op: "RateStream"}}},
		Remember: []int64{2000},
		Encode:   encodeJSON, Split: splitKV, Same: sameKV,
		Fail: f.fail,
	}
}

func latest(t *testing.T, dir string) *Meta {
	t.Helper()
	m, _, err := ReadLatest(dir)
	if err != nil || m == nil {
		t.Fatalf("reading the latest metadata: %v %v", m, err)
	}
	return m
}

func TestCheckpointerBatches(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ckpt")
	var f failures
	c, err := Open(testConfig(dir, &f))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Path() != dir {
		t.Errorf("Path %s, want %s", c.Path(), dir)
	}
	pos := "start"
	var released [][]Batch
	c.SetSource(0, Source{Position: func() ([]byte, error) { return []byte(pos), nil }, Release: func(bs []Batch, p []byte) {
		released = append(released, bs)
	}})
	if err := c.WriteInitial(); err != nil {
		t.Fatal(err)
	}
	if m := latest(t, dir); string(m.Inputs[0].Position) != "start" || m.Completed != 0 || len(m.Pending) != 0 {
		t.Fatalf("initial metadata %+v, want the starting position and nothing done", m)
	}
	for b := int64(1000); b <= 5000; b += 1000 {
		pos = fmt.Sprint(b)
		c.Generated(b, []Batch{{Time: b, Records: 1}})
		m := latest(t, dir)
		if !reflect.DeepEqual(m.Pending, []int64{b}) || string(m.Inputs[0].Position) != fmt.Sprint(b) {
			t.Fatalf("after generating %d: pending %v at position %s, want [%d] at %d", b, m.Pending, m.Inputs[0].Position, b, b)
		}
		c.Completed(b, nil)
		m = latest(t, dir)
		if m.Completed != b || len(m.Pending) != 0 {
			t.Fatalf("after completing %d: completed %d pending %v", b, m.Completed, m.Pending)
		}
		// The input's stream looks 2000 ms back: the batch before this one
		// is still needed, older ones are not.
		var kept []int64
		for _, bb := range m.Inputs[0].Batches {
			kept = append(kept, bb.Time)
		}
		want := []int64{b - 1000, b}
		if b == 1000 {
			want = want[1:]
		}
		if !reflect.DeepEqual(kept, want) {
			t.Errorf("after completing %d: input batches %v, want %v", b, kept, want)
		}
		if got := released[len(released)-1]; !reflect.DeepEqual(got, m.Inputs[0].Batches) {
			t.Errorf("after completing %d: released with %v, the metadata keeps %v", b, got, m.Inputs[0].Batches)
		}
	}
	names, _, _ := MetaFiles(dir)
	if len(names) != Keep {
		t.Errorf("%d metadata files (%v), want %d", len(names), names, Keep)
	}
	if len(f.errs) != 0 {
		t.Errorf("failures: %v", f.errs)
	}
}

func TestCheckpointerResumes(t *testing.T) {
	dir := t.TempDir()
	var f failures
	prev := &Meta{Completed: 3000, Pending: []int64{4000}, Inputs: []Input{{Stream: 0, Op: "RateStream", Position: []byte("p"), Batches: []Batch{{Time: 3000}, {Time: 4000}}}},
		States: []StateRef{{Stream: 1, Time: 2000, File: "state-1-2000"}}}
	cfg := testConfig(dir, &f)
	cfg.Prev = prev
	c, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Generated(5000, []Batch{{Time: 5000}})
	m := latest(t, dir)
	if m.Completed != 3000 || !reflect.DeepEqual(m.Pending, []int64{4000, 5000}) || string(m.Inputs[0].Position) != "p" ||
		len(m.Inputs[0].Batches) != 3 || !reflect.DeepEqual(m.States, prev.States) || m.App != "app" {
		t.Errorf("got %+v, want the previous run's batches, position and state carried on", m)
	}
	if prev.Pending[0] != 4000 || len(prev.Pending) != 1 || len(prev.Inputs[0].Batches) != 2 {
		t.Errorf("the previous metadata changed: %+v", prev)
	}
}

func TestCheckpointerStates(t *testing.T) {
	dir := t.TempDir()
	var f failures
	cfg := testConfig(dir, &f)
	cfg.Stateful, cfg.Interval = []int{1}, 2000
	c, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	have := false
	calls := 0
	snap := func(i int) (Snapshot, bool) {
		calls++
		if i != 1 {
			t.Errorf("snapshot of stream %d, want 1", i)
		}
		return Snapshot{Stream: i, Op: "UpdateStateByKey", Time: int64(calls), Parts: [][]any{keys(10, map[int]string{0: fmt.Sprint(calls)})}}, have
	}
	step := func(b int64) *Meta {
		c.Generated(b, []Batch{{Time: b}})
		c.Completed(b, snap)
		return latest(t, dir)
	}
	if m := step(1000); calls != 0 || len(m.States) != 0 {
		t.Fatalf("batch 1000: %d snapshots, states %v; want none before the interval", calls, m.States)
	}
	if m := step(2000); calls != 1 || len(m.States) != 0 {
		t.Fatalf("batch 2000: %d snapshots, states %v; want one asked, none written (no state yet)", calls, m.States)
	}
	have = true
	m := step(4000)
	if len(m.States) != 1 || m.States[0].File != StateName(1, 2, false) || len(m.States[0].Deltas) != 0 {
		t.Fatalf("batch 4000: states %+v, want a full snapshot", m.States)
	}
	step(5000)
	m = step(6000)
	if len(m.States) != 1 || len(m.States[0].Deltas) != 1 {
		t.Fatalf("batch 6000: states %+v, want a delta on the snapshot", m.States)
	}
	ch, _, err := ReadChain(dir, "m", m.States[0], decodeJSON, splitKV)
	if err != nil || !reflect.DeepEqual(ch.Parts, [][]any{keys(10, map[int]string{0: "3"})}) {
		t.Errorf("state read back %v %v, want the latest", ch, err)
	}
	// A metadata file that cannot be written: the batch fails, and the next
	// state file is a full snapshot.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	c.Completed(8000, snap)
	if len(f.errs) != 2 || !strings.HasPrefix(f.errs[0], "8000: ") || !strings.HasPrefix(f.errs[1], "8000: ") {
		t.Fatalf("failures %v, want the state and the metadata of batch 8000", f.errs)
	}
	os.MkdirAll(dir, 0o755)
	m = step(10000)
	if len(m.States) != 1 || len(m.States[0].Deltas) != 0 || m.States[0].File != StateName(1, int64(calls), false) {
		t.Errorf("after a failed write: states %+v, want a new full snapshot", m.States)
	}
	if len(f.errs) != 2 {
		t.Errorf("failures %v, want none after the directory is back", f.errs)
	}
}

func TestCheckpointerPositionError(t *testing.T) {
	dir := t.TempDir()
	var f failures
	c, err := Open(testConfig(dir, &f))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetSource(0, Source{Position: func() ([]byte, error) { return nil, errors.New("gone") }})
	c.Generated(1000, []Batch{{Time: 1000}})
	if want := []string{"1000: position of RateStream: gone"}; !reflect.DeepEqual(f.errs, want) {
		t.Errorf("failures %v, want %v", f.errs, want)
	}
	if m := latest(t, dir); !reflect.DeepEqual(m.Pending, []int64{1000}) {
		t.Errorf("pending %v, want the batch recorded anyway", m.Pending)
	}
}

func TestCheckpointerLocks(t *testing.T) {
	dir := t.TempDir()
	var f failures
	c, err := Open(testConfig(dir, &f))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(testConfig(dir, &f)); !errors.Is(err, ErrInUse) {
		t.Fatalf("second Open: got %v, want ErrInUse", err)
	}
	c.Close()
	c2, err := Open(testConfig(dir, &f))
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	c2.Close()
}

func TestFingerprint(t *testing.T) {
	got := Fingerprint([]Stream{
		{Op: "SocketTextStream", Input: true, Slide: time.Second},
		{Op: "ReduceByKeyAndWindow", Parents: []int{0}, Slide: 2 * time.Second, Window: 8 * time.Second, Stateful: true},
		{Op: "Join", Parents: []int{0, 1}, Slide: 2 * time.Second},
		{Op: "Print", Output: true, Parents: []int{2}, Slide: 2 * time.Second},
	})
	want := []string{
		"SocketTextStream input, slide 1s",
		"ReduceByKeyAndWindow of stream 0, slide 2s, window 8s, stateful",
		"Join of stream 0,1, slide 2s",
		"Print output of stream 2, slide 2s",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestMatch(t *testing.T) {
	m := &Meta{BatchMS: 1000, Master: "local[2]", Graph: []string{"a", "b"}, Inputs: []Input{{}}}
	tests := []struct {
		name   string
		batch  time.Duration
		master string
		graph  []string
		inputs int
		want   string
	}{
		{name: "same", batch: time.Second, master: "local[2]", graph: []string{"a", "b"}, inputs: 1},
		{name: "batch", batch: 2 * time.Second, master: "local[2]", graph: []string{"a", "b"}, inputs: 1,
			want: "incompatible: the checkpoint has a batch interval of 1s, the rebuilt context 2s"},
		{name: "master", batch: time.Second, master: "local[4]", graph: []string{"a", "b"}, inputs: 1,
			want: `incompatible: the checkpoint ran on master "local[2]", the rebuilt context on "local[4]" (state is partitioned for the first)`},
		{name: "more", batch: time.Second, master: "local[2]", graph: []string{"a", "b", "c"}, inputs: 1,
			want: "incompatible: the rebuilt graph has more streams than the checkpoint's 2; stream 2 is c"},
		{name: "fewer", batch: time.Second, master: "local[2]", graph: []string{"a"}, inputs: 1,
			want: "incompatible: the rebuilt graph has 1 streams, the checkpoint's has 2; stream 1 is missing: b"},
		{name: "differs", batch: time.Second, master: "local[2]", graph: []string{"a", "x"}, inputs: 1,
			want: "incompatible: stream 1 differs: the checkpoint has b, the rebuilt graph has x"},
		{name: "inputs", batch: time.Second, master: "local[2]", graph: []string{"a", "b"}, inputs: 2,
			want: "incompatible: the checkpoint has 1 inputs, the rebuilt graph 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := m.Match(tc.batch, tc.master, tc.graph, tc.inputs)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestStateInterval(t *testing.T) {
	s := time.Second
	tests := []struct {
		name     string
		streams  []Stream
		stateful []int
		interval int64
	}{
		{name: "none", streams: []Stream{{Op: "in", Slide: s}}},
		{name: "default", streams: []Stream{{Op: "in", Slide: 3 * s}, {Op: "st", Parents: []int{0}, Slide: 3 * s, Stateful: true}},
			stateful: []int{1}, interval: 12000},
		{name: "set", streams: []Stream{{Op: "in", Slide: s}, {Op: "st", Parents: []int{0}, Slide: s, Stateful: true, Checkpoint: 4 * s}},
			stateful: []int{1}, interval: 4000},
		{name: "derived", streams: []Stream{{Op: "in", Slide: s}, {Op: "st", Parents: []int{0}, Slide: s, Stateful: true},
			{Op: "mapped", Parents: []int{1}, Slide: s, Checkpoint: 5 * s}, {Op: "mapped", Parents: []int{1}, Slide: s, Checkpoint: 3 * s}},
			stateful: []int{1}, interval: 3000},
		{name: "derived from stateful is not", streams: []Stream{{Op: "in", Slide: s}, {Op: "st", Parents: []int{0}, Slide: s, Stateful: true},
			{Op: "st2", Parents: []int{1}, Slide: 2 * s, Stateful: true, Checkpoint: 20 * s}},
			stateful: []int{1, 2}, interval: 10000},
		{name: "smallest", streams: []Stream{{Op: "a", Slide: 4 * s, Stateful: true}, {Op: "b", Slide: s, Stateful: true, Checkpoint: 6 * s}},
			stateful: []int{0, 1}, interval: 6000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, iv := StateInterval(tc.streams)
			if !reflect.DeepEqual(st, tc.stateful) || iv != tc.interval {
				t.Errorf("got %v, %d ms; want %v, %d ms", st, iv, tc.stateful, tc.interval)
			}
		})
	}
}

func TestCheckpointerRecordAndClose(t *testing.T) {
	dir := t.TempDir()
	var f failures
	c, err := Open(testConfig(dir, &f))
	if err != nil {
		t.Fatal(err)
	}
	closed := 0
	c.SetSource(0, Source{
		Record: func(t int64) ([]byte, error) {
			if t == 2000 {
				return nil, errors.New("bad")
			}
			return []byte(fmt.Sprint("r", t)), nil
		},
		Close: func() { closed++ },
	})
	if b := c.Record(0, 1000, 7); b.Time != 1000 || b.Records != 7 || string(b.Data) != "r1000" {
		t.Errorf("Record(1000) = %+v", b)
	}
	if b := c.Record(0, 2000, 1); b.Data != nil {
		t.Errorf("Record(2000) = %+v, want no data", b)
	}
	if want := []string{"2000: recording the input of RateStream: bad"}; !reflect.DeepEqual(f.errs, want) {
		t.Errorf("failures %v, want %v", f.errs, want)
	}
	c.Close()
	if closed != 1 {
		t.Errorf("source closed %d times, want 1", closed)
	}
}
