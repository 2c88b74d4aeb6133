package engine

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// dirContents returns name → content of every file under dir.
func dirContents(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

func TestSaveAsTextFiles(t *testing.T) {
	tests := []struct {
		name, suffix string
		dirs         []string
	}{
		{"with suffix", "txt", []string{"counts-1000.txt", "counts-2000.txt"}},
		{"without suffix", "", []string{"counts-1000", "counts-2000"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			ssc := manualContext(t)
			q := NewQueue()
			ssc.QueueStream(q, true).SaveAsTextFiles(filepath.Join(out, "counts"), tc.suffix)
			q.Push(KV("a", 1), "b", 3, []any{1, "x"})
			q.Push()
			if err := ssc.Start(); err != nil {
				t.Fatal(err)
			}
			if err := ssc.Advance(Seconds(2)); err != nil {
				t.Fatal(err)
			}
			if got := listDir(t, out); !reflect.DeepEqual(got, tc.dirs) {
				t.Fatalf("directories: got %q, want %q", got, tc.dirs)
			}
			want := map[string]string{"part-00000": "(a,1)\nb\n", "part-00001": "3\n[1 x]\n", "_SUCCESS": ""}
			if got := dirContents(t, filepath.Join(out, tc.dirs[0])); !reflect.DeepEqual(got, want) {
				t.Errorf("first batch: got %q, want %q", got, want)
			}
			want = map[string]string{"part-00000": "", "part-00001": "", "_SUCCESS": ""}
			if got := dirContents(t, filepath.Join(out, tc.dirs[1])); !reflect.DeepEqual(got, want) {
				t.Errorf("empty batch: got %q, want %q", got, want)
			}
		})
	}
}

func TestSaveAsTextFilesUsesFormatter(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "f")
	ssc := manualContext(t)
	ssc.SetFormatter(func(x any) string { return "<" + Format(x) + ">" })
	q := NewQueue()
	ssc.QueueStream(q, true).SaveAsTextFiles(prefix, "")
	q.Push(KV("k", 1.5))
	ssc.Start()
	if err := ssc.Advance(Seconds(1)); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(prefix+"-1000", "part-00001"))
	if err != nil || string(b) != "(k,<1.5>)\n" {
		t.Fatalf("got %q, %v", b, err)
	}
}

// saveBatch runs one batch of elems at time 1000 through a fresh context
// that saves with save.
func saveBatch(t *testing.T, elems []any, save func(d *DStream)) error {
	t.Helper()
	ssc := NewStreamingContext("local[2]", "save", Seconds(1), WithManualClock(), WithBatchLog(nil))
	defer ssc.Stop(false)
	q := NewQueue()
	save(ssc.QueueStream(q, true))
	q.Push(elems...)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	return ssc.Advance(Seconds(1))
}

func TestSaveIsIdempotent(t *testing.T) {
	for _, kind := range []string{"text", "object"} {
		t.Run(kind, func(t *testing.T) {
			parent := t.TempDir()
			prefix := filepath.Join(parent, "run")
			save := func(d *DStream) {
				if kind == "text" {
					d.SaveAsTextFiles(prefix, "out")
				} else {
					d.SaveAsObjectFiles(prefix, "out")
				}
			}
			elems := []any{KV("x", map[string]any{"b": 2, "a": 1}), 2.5, "y"}
			if err := saveBatch(t, elems, save); err != nil {
				t.Fatal(err)
			}
			first := dirContents(t, prefix+"-1000.out")
			// A leftover of a crash in the middle of a write is cleaned up.
			os.Mkdir(filepath.Join(parent, ".run-1000.out.tmp-dead"), 0o755)
			// The batch runs again, as after recovery.
			if err := saveBatch(t, elems, save); err != nil {
				t.Fatal(err)
			}
			if again := dirContents(t, prefix+"-1000.out"); !reflect.DeepEqual(again, first) {
				t.Errorf("re-running the batch changed the output:\n%q\n%q", first, again)
			}
			if got := listDir(t, parent); !reflect.DeepEqual(got, []string{"run-1000.out"}) {
				t.Errorf("directory holds %q, want only the output", got)
			}
		})
	}
}

func TestSaveAsObjectFilesRoundTrip(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "objs")
	when := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	elems := []any{KV("word", 3), int64(-7), uint8(200), float32(0.5), Time(42), when, []any{"nested", nil, true}, map[string]any{"k": []byte("v")}}
	if err := saveBatch(t, elems, func(d *DStream) { d.SaveAsObjectFiles(prefix, "") }); err != nil {
		t.Fatal(err)
	}
	dir := prefix + "-1000"
	if got := listDir(t, dir); !reflect.DeepEqual(got, []string{"_SUCCESS", "part-00000", "part-00001"}) {
		t.Fatalf("files %q", got)
	}
	got, err := ReadObjectFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(elems) {
		t.Fatalf("read %d elements, want %d", len(got), len(elems))
	}
	for i := range elems {
		if !equalElem(got[i], elems[i]) {
			t.Errorf("element %d: got %#v, want %#v", i, got[i], elems[i])
		}
	}
}

func TestSaveAsObjectFilesUnsupportedType(t *testing.T) {
	type point struct{ X, Y int }
	parent := t.TempDir()
	prefix := filepath.Join(parent, "bad")
	err := saveBatch(t, []any{1, point{1, 2}}, func(d *DStream) { d.SaveAsObjectFiles(prefix, "") })
	var e *Error
	var ue *UnsupportedTypeError
	if !errors.As(err, &e) || e.Op != "SaveAsObjectFiles" || e.Time != 1000 || !errors.As(err, &ue) || ue.Type != "engine.point" {
		t.Fatalf("got %v, want a SaveAsObjectFiles error at 1000 ms naming engine.point", err)
	}
	if names := listDir(t, parent); len(names) != 0 {
		t.Errorf("a failed batch left %q behind", names)
	}
}

func TestReadObjectFilesErrors(t *testing.T) {
	dir := t.TempDir()
	incomplete := filepath.Join(dir, "incomplete")
	os.Mkdir(incomplete, 0o755)
	os.WriteFile(filepath.Join(incomplete, "part-00000"), nil, 0o644)
	corrupt := filepath.Join(dir, "corrupt")
	os.Mkdir(corrupt, 0o755)
	os.WriteFile(filepath.Join(corrupt, successFile), nil, 0o644)
	os.WriteFile(filepath.Join(corrupt, "part-00000"), []byte("GSEL\x01garbage"), 0o644)
	tests := []struct {
		name, path, want string
		is               error
	}{
		{"missing", filepath.Join(dir, "nope"), "is not a complete output directory (no _SUCCESS)", os.ErrNotExist},
		{"incomplete", incomplete, "is not a complete output directory (no _SUCCESS)", os.ErrNotExist},
		{"corrupt", corrupt, "part-00000", ErrCorrupt},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadObjectFiles(tc.path)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.path) || !errors.Is(err, tc.is) {
				t.Fatalf("got %v, want an error naming %q with %q", err, tc.path, tc.want)
			}
		})
	}
}

func TestObjectFileStream(t *testing.T) {
	stage, in := t.TempDir(), t.TempDir()
	// Another job's output: batches 1000 and 2000 of SaveAsObjectFiles.
	producer := manualContext(t)
	q := NewQueue()
	producer.QueueStream(q, true).SaveAsObjectFiles(filepath.Join(stage, "pairs"), "")
	q.Push(KV("a", 1), KV("b", 2))
	q.Push(KV("c", 3), KV("a", int64(4)))
	producer.Start()
	if err := producer.Advance(Seconds(2)); err != nil {
		t.Fatal(err)
	}
	ssc := manualContext(t)
	got := collect(ssc.ObjectFileStream(in))
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"pairs-1000", "pairs-2000"} {
		if err := os.Rename(filepath.Join(stage, d), filepath.Join(in, d)); err != nil {
			t.Fatal(err)
		}
		setMtime(t, filepath.Join(in, d), 800)
	}
	// An incomplete directory is not read.
	os.Mkdir(filepath.Join(in, "pairs-3000"), 0o755)
	setMtime(t, filepath.Join(in, "pairs-3000"), 800)
	if err := ssc.Advance(Seconds(3)); err != nil {
		t.Fatal(err)
	}
	if c := got.counts(); !reflect.DeepEqual(c, []int{0, 4, 0}) {
		t.Fatalf("elements per batch %v", c)
	}
	// Two directories of two part files each: four partitions, types kept.
	want := [][]any{{KV("a", 1)}, {KV("b", 2)}, {KV("c", 3)}, {KV("a", int64(4))}}
	if !reflect.DeepEqual(got.parts[1], want) {
		t.Errorf("got %#v, want %#v", got.parts[1], want)
	}
}

// Print(num) takes num+1 elements to know whether to print "..."; the
// largest num must not overflow into taking none.
func TestPrintLargestNum(t *testing.T) {
	ssc := newManual(t, "local[2]")
	var out strings.Builder
	ssc.SetOutput(&out)
	q := NewQueue()
	ssc.QueueStream(q, true).Print(math.MaxInt)
	q.Push(1, 2, 3)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	if err := ssc.Advance(Seconds(1)); err != nil {
		t.Fatal(err)
	}
	want := "-------------------------------------------\nTime: 1000 ms\n-------------------------------------------\n1\n2\n3\n\n"
	if out.String() != want {
		t.Fatalf("Print(math.MaxInt) wrote\n%q\nwant\n%q", out.String(), want)
	}
}
