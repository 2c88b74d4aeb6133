package checkpoint

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The elements of these tests are "key=value" strings.

func splitKV(x any) (any, any) {
	k, v, _ := strings.Cut(x.(string), "=")
	return k, v
}

func sameKV(a, b any) bool { return a == b }

func encodeJSON(xs []any) ([]byte, error) { return json.Marshal(xs) }

func decodeJSON(b []byte) ([]any, error) {
	var xs []any
	err := json.Unmarshal(b, &xs)
	return xs, err
}

// keys returns n elements k0=v ... k<n-1>=v, with key i set to vals[i]
// where given.
func keys(n int, vals map[int]string) []any {
	xs := make([]any, n)
	for i := range xs {
		v := "v"
		if s, ok := vals[i]; ok {
			v = s
		}
		xs[i] = fmt.Sprintf("k%d=%s", i, v)
	}
	return xs
}

func openTestDir(t *testing.T) *Dir {
	t.Helper()
	d, err := OpenDir(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestChainsWriteAndRead(t *testing.T) {
	d := openTestDir(t)
	c := NewChains(encodeJSON, splitKV, sameKV)
	snaps := []Snapshot{
		{Stream: 2, Op: "UpdateStateByKey", Time: 1000, Parts: [][]any{keys(10, nil), keys(10, nil)}},
		{Stream: 2, Op: "UpdateStateByKey", Time: 2000, Parts: [][]any{keys(10, map[int]string{3: "w"}), keys(9, nil)}},
		{Stream: 2, Op: "UpdateStateByKey", Time: 3000, Parts: [][]any{append(keys(10, map[int]string{3: "w"}), "new=1"), keys(9, nil)}},
	}
	var ref *StateRef
	for i, s := range snaps {
		r, staged, err := c.Write(d, s, ref)
		if err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		staged.Commit()
		ref = r
		wantDeltas := i
		if len(ref.Deltas) != wantDeltas || ref.File != StateName(2, 1000, false) || ref.Time != s.Time {
			t.Fatalf("write %d: ref %+v, want %d deltas on %s at %d", i, ref, wantDeltas, StateName(2, 1000, false), s.Time)
		}
		if i > 0 && ref.Deltas[i-1] != StateName(2, s.Time, true) {
			t.Errorf("write %d: delta named %s, want %s", i, ref.Deltas[i-1], StateName(2, s.Time, true))
		}
		ch, path, err := ReadChain(d.Path(), "checkpoint-x", *ref, decodeJSON, splitKV)
		if err != nil {
			t.Fatalf("read %d: %s: %v", i, path, err)
		}
		if !reflect.DeepEqual(ch.Parts, s.Parts) || !reflect.DeepEqual(ch.Ref, *ref) {
			t.Errorf("read %d: got %v of %+v, want %v of %+v", i, ch.Parts, ch.Ref, s.Parts, *ref)
		}
	}
	// A delta holds what changed only.
	data, _ := os.ReadFile(filepath.Join(d.Path(), ref.Deltas[1]))
	st, parts, _, err := DecodeState(data, decodeJSON)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Delta || st.Base != ref.File || fmt.Sprint(parts) != "[[new=1] []]" {
		t.Errorf("second delta: delta %v on %q with %v, want the new key alone on %s", st.Delta, st.Base, parts, ref.File)
	}
}

func TestChainsResetAndUncommitted(t *testing.T) {
	d := openTestDir(t)
	c := NewChains(encodeJSON, splitKV, sameKV)
	s := Snapshot{Stream: 0, Op: "op", Time: 1000, Parts: [][]any{keys(10, nil)}}
	ref, staged, err := c.Write(d, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	staged.Commit()
	s.Time, s.Parts = 2000, [][]any{keys(10, map[int]string{0: "x"})}
	ref2, _, err := c.Write(d, s, ref) // not committed: the metadata was not written
	if err != nil || len(ref2.Deltas) != 1 {
		t.Fatalf("got %+v %v, want a delta", ref2, err)
	}
	s.Time = 3000
	ref3, _, err := c.Write(d, s, ref)
	if err != nil || len(ref3.Deltas) != 1 || ref3.Deltas[0] != StateName(0, 3000, true) {
		t.Fatalf("got %+v %v, want a delta on the committed snapshot alone", ref3, err)
	}
	c.Reset()
	s.Time = 4000
	ref4, _, err := c.Write(d, s, ref)
	if err != nil || len(ref4.Deltas) != 0 || ref4.File != StateName(0, 4000, false) {
		t.Fatalf("after Reset got %+v %v, want a full snapshot", ref4, err)
	}
	// Without a chain on disk to add to, the image is forgotten.
	c2 := NewChains(encodeJSON, splitKV, sameKV)
	r, st, _ := c2.Write(d, Snapshot{Stream: 1, Time: 1000, Parts: [][]any{keys(10, nil)}}, nil)
	st.Commit()
	r2, _, _ := c2.Write(d, Snapshot{Stream: 1, Time: 2000, Parts: [][]any{keys(10, nil)}}, nil)
	if len(r2.Deltas) != 0 || r2.File == r.File {
		t.Errorf("no current chain: got %+v, want a new full snapshot", r2)
	}
}

func TestChainsWindowBatches(t *testing.T) {
	d := openTestDir(t)
	c := NewChains(encodeJSON, splitKV, sameKV)
	w := func(ts ...int64) ([]int64, [][][]any) {
		var parts [][][]any
		for _, t := range ts {
			parts = append(parts, [][]any{{fmt.Sprintf("w%d=1", t)}})
		}
		return ts, parts
	}
	var ref *StateRef
	for i, ts := range [][]int64{{1000, 2000}, {2000, 3000}, {3000, 4000}} {
		wt, wp := w(ts...)
		r, st, err := c.Write(d, Snapshot{Stream: 0, Op: "ReduceByKeyAndWindow", Time: ts[1], Parts: [][]any{keys(10, nil)}, WindowTimes: wt, WindowParts: wp}, ref)
		if err != nil {
			t.Fatal(err)
		}
		st.Commit()
		ref = r
		ch, path, err := ReadChain(d.Path(), "m", *ref, decodeJSON, splitKV)
		if err != nil {
			t.Fatalf("%d: %s: %v", i, path, err)
		}
		if !reflect.DeepEqual(ch.WindowTimes, wt) || !reflect.DeepEqual(ch.WindowParts, wp) {
			t.Errorf("%d: got windows %v %v, want %v %v", i, ch.WindowTimes, ch.WindowParts, wt, wp)
		}
		if i > 0 {
			data, _ := os.ReadFile(filepath.Join(d.Path(), ref.Deltas[len(ref.Deltas)-1]))
			s, _, _, _ := DecodeState(data, decodeJSON)
			if !reflect.DeepEqual(s.WindowNew, []int64{ts[1]}) {
				t.Errorf("%d: the delta writes window batches %v, want only %d", i, s.WindowNew, ts[1])
			}
		}
	}
}

func TestReadChainErrors(t *testing.T) {
	d := openTestDir(t)
	c := NewChains(encodeJSON, splitKV, sameKV)
	ref, st, err := c.Write(d, Snapshot{Stream: 1, Time: 1000, Parts: [][]any{keys(10, nil)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	st.Commit()
	ref2, _, err := c.Write(d, Snapshot{Stream: 1, Time: 2000, Parts: [][]any{keys(10, map[int]string{1: "z"})}}, ref)
	if err != nil || len(ref2.Deltas) != 1 {
		t.Fatalf("got %+v %v, want a delta", ref2, err)
	}
	dir := d.Path()
	tests := []struct {
		name     string
		ref      StateRef
		wantPath string
		wantErr  string
	}{
		{name: "other stream", ref: StateRef{Stream: 0, Time: 1000, File: ref.File}, wantPath: ref.File,
			wantErr: "corrupt: holds the state of stream 1, the metadata m expects stream 0"},
		{name: "delta as snapshot", ref: StateRef{Stream: 1, Time: 2000, File: ref2.Deltas[0]}, wantPath: ref2.Deltas[0],
			wantErr: "corrupt: a delta where the metadata m expects the full snapshot its deltas are chained on"},
		{name: "snapshot as delta", ref: StateRef{Stream: 1, Time: 1000, File: ref.File, Deltas: []string{ref.File}}, wantPath: ref.File,
			wantErr: "corrupt: not a delta on " + ref.File + ", as the metadata m expects"},
		{name: "time", ref: StateRef{Stream: 1, Time: 3000, File: ref.File, Deltas: ref2.Deltas}, wantPath: ref2.Deltas[0],
			wantErr: "corrupt: holds the state of stream 1 at 2000 ms, the metadata m expects stream 1 at 3000 ms"},
		{name: "missing", ref: StateRef{Stream: 1, Time: 3000, File: ref.File, Deltas: []string{StateName(1, 3000, true)}}, wantPath: StateName(1, 3000, true),
			wantErr: "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, path, err := ReadChain(dir, "m", tc.ref, decodeJSON, splitKV)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("got %v, want %q", err, tc.wantErr)
			}
			if path != filepath.Join(dir, tc.wantPath) {
				t.Errorf("path %s, want %s", path, filepath.Join(dir, tc.wantPath))
			}
		})
	}
}

func TestChainsEncodeError(t *testing.T) {
	d := openTestDir(t)
	fail := func([]any) ([]byte, error) { return nil, fmt.Errorf("cannot encode") }
	c := NewChains(fail, splitKV, sameKV)
	_, _, err := c.Write(d, Snapshot{Stream: 0, Op: "MapWithState", Time: 1000, Parts: [][]any{{"a=1"}}}, nil)
	if err == nil || err.Error() != "MapWithState: cannot encode" {
		t.Errorf("got %v, want the operation and the encoder's error", err)
	}
}
