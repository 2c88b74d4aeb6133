package checkpoint

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// startGraph is an input and a stateful stream on it, checkpointed every
// 2 s.
var startGraph = []Stream{
	{Op: "RateStream", Input: true, Slide: time.Second},
	{Op: "UpdateStateByKey", Parents: []int{0}, Slide: time.Second, Stateful: true, Checkpoint: 2 * time.Second},
}

func testStart(dir string, f *failures) Start {
	cfg := testConfig(dir, f)
	cfg.Meta.Graph = nil
	cfg.Remember = []int64{0}
	return Start{Config: cfg, Graph: startGraph}
}

func TestBeginFreshThenRecover(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ckpt")
	var f failures
	s := testStart(dir, &f)
	pos := "start"
	s.Source = func(i int) (Source, error) {
		return Source{
			Record:   func(b int64) ([]byte, error) { return []byte(fmt.Sprint(b / 1000)), nil },
			Position: func() ([]byte, error) { return []byte(pos), nil },
		}, nil
	}
	c, pending, err := Begin(s)
	if err != nil || pending != nil {
		t.Fatalf("fresh Begin: %v, pending %v; want no error, nothing pending", err, pending)
	}
	if m := latest(t, dir); !reflect.DeepEqual(m.Graph, Fingerprint(startGraph)) || m.Completed != 0 {
		t.Fatalf("initial metadata %+v, want the graph's fingerprint and nothing done", m)
	}
	snap := func(i int) (Snapshot, bool) {
		return Snapshot{Stream: i, Op: "UpdateStateByKey", Time: 2000, Parts: [][]any{keys(4, map[int]string{1: "x"})}}, true
	}
	for b := int64(1000); b <= 4000; b += 1000 {
		pos = fmt.Sprint("at ", b/1000)
		c.Generated(b, []Batch{c.Record(0, b, int(b/100))})
		if b < 4000 {
			c.Completed(b, snap)
		}
	}
	c.Close()
	if len(f.errs) > 0 {
		t.Fatal(f.errs)
	}

	rec := readBack(t, dir)
	var calls []string
	s = testStart(dir, &f)
	s.Recovered = rec
	s.Source = func(i int) (Source, error) {
		return Source{
			Restore: func(p []byte) error { calls = append(calls, "position "+string(p)); return nil },
			Rebuild: func(b int64, data []byte) (int, error) {
				calls = append(calls, "rebuild "+string(data))
				return int(b / 100), nil
			},
		}, nil
	}
	s.Restore = func(st *Chain) {
		calls = append(calls, fmt.Sprintf("restore %d@%d %v", st.Ref.Stream, st.Ref.Time, st.Parts))
	}
	s.Replay = func(i int, b int64) { calls = append(calls, fmt.Sprintf("replay %d@%d", i, b)) }
	c, pending, err = Begin(s)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	want := []string{"restore 1@2000 [[k0=v k1=x k2=v k3=v]]", "position at 4", "rebuild 3", "rebuild 4", "replay 1@3000"}
	if !reflect.DeepEqual(calls, want) {
		t.Errorf("recovery calls\n%q\nwant\n%q", calls, want)
	}
	if want := []Pending{{Time: 4000, Records: 40}}; !reflect.DeepEqual(pending, want) {
		t.Errorf("pending %v, want %v", pending, want)
	}
}

func TestBeginErrorsClose(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ckpt")
	boom := errors.New("boom")
	s := testStart(dir, &failures{})
	s.Source = func(int) (Source, error) { return Source{}, boom }
	if _, _, err := Begin(s); err != boom {
		t.Fatalf("Begin with a failing source: %v, want the source's error as it is", err)
	}
	// The lock was let go: the directory opens again, and while it is
	// open, a second Begin fails.
	s.Source = func(int) (Source, error) { return Source{}, nil }
	c, _, err := Begin(s)
	if err != nil {
		t.Fatalf("Begin after a failed one: %v", err)
	}
	defer c.Close()
	if _, _, err := Begin(s); !errors.Is(err, ErrInUse) {
		t.Fatalf("Begin on a directory in use: %v, want ErrInUse", err)
	}
}

func TestBeginPanicCloses(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ckpt")
	s := testStart(dir, &failures{})
	s.Source = func(int) (Source, error) { panic("boom") }
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Fatalf("recovered %v, want the callback's panic", r)
			}
		}()
		Begin(s)
	}()
	s.Source = func(int) (Source, error) { return Source{}, nil }
	c, _, err := Begin(s)
	if err != nil {
		t.Fatalf("Begin after a panic: %v", err)
	}
	c.Close()
}

func TestResume(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ckpt")
	s := testStart(dir, &failures{})
	s.Source = func(int) (Source, error) { return Source{}, nil }
	c, _, err := Begin(s)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	meta, path, err := Load(dir)
	if err != nil || meta == nil {
		t.Fatalf("Load: %v %v", meta, err)
	}
	rec, p, err := Resume(dir, path, meta, time.Second, "local[2]", startGraph, decodeJSON, splitKV)
	if err != nil || p != "" || rec.Meta != meta || rec.Path != path {
		t.Fatalf("Resume of the same graph: %+v at %q, %v; want the metadata recovered", rec, p, err)
	}
	other := append([]Stream(nil), startGraph...)
	other[1].Op = "MapWithState"
	if _, p, err := Resume(dir, path, meta, time.Second, "local[2]", other, decodeJSON, splitKV); err == nil || p != path {
		t.Fatalf("Resume of another graph: %v at %q, want an error at %s", err, p, path)
	}
}

func TestBeginPanicAtRecovery(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ckpt")
	var f failures
	s := testStart(dir, &f)
	s.Source = func(int) (Source, error) { return Source{}, nil }
	c, _, err := Begin(s)
	if err != nil {
		t.Fatal(err)
	}
	snap := func(i int) (Snapshot, bool) {
		return Snapshot{Stream: i, Op: "UpdateStateByKey", Time: 2000, Parts: [][]any{keys(2, nil)}}, true
	}
	for b := int64(1000); b <= 2000; b += 1000 {
		c.Generated(b, []Batch{c.Record(0, b, 1)})
		c.Completed(b, snap)
	}
	c.Close()
	rec := readBack(t, dir)
	s.Recovered = rec
	s.Restore = func(*Chain) { panic("boom") }
	s.Replay = func(int, int64) {}
	boom := errors.New("recovering: boom")
	var got any
	s.Panic = func(r any) error { got = r; return boom }
	if c, pending, err := Begin(s); c != nil || pending != nil || err != boom || got != "boom" {
		t.Fatalf("Begin with a panicking Restore: %v %v %v (panic %v), want Panic's error", c, pending, err, got)
	}
	s.Restore = func(*Chain) {}
	c, _, err = Begin(s)
	if err != nil {
		t.Fatalf("Begin after a panic at recovery: %v", err)
	}
	c.Close()
	if len(f.errs) > 0 {
		t.Fatal(f.errs)
	}
}
