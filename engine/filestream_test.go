package engine

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gostream/gostream/engine/internal/source/file"
)

// writeFile writes name in dir with the given modification time, in ms of
// the manual clock.
func writeFile(t *testing.T, dir, name, content string, mtimeMS int64) {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	setMtime(t, path, mtimeMS)
}

func setMtime(t *testing.T, path string, ms int64) {
	t.Helper()
	mt := time.UnixMilli(ms)
	if err := os.Chtimes(path, mt, mt); err != nil {
		t.Fatal(err)
	}
}

func TestTextFileStream(t *testing.T) {
	dir := t.TempDir()
	elsewhere := t.TempDir()
	writeFile(t, dir, "old.txt", "existed before the start\n", 0)
	ssc := manualContext(t)
	lines := ssc.TextFileStream(dir)
	got := collect(lines)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	step := func(wantParts ...[]any) {
		t.Helper()
		if err := ssc.Advance(Seconds(1)); err != nil {
			t.Fatal(err)
		}
		got.mu.Lock()
		parts := got.parts[len(got.parts)-1]
		bt := got.times[len(got.times)-1]
		got.mu.Unlock()
		if len(parts) == 0 && len(wantParts) == 0 {
			return
		}
		if !reflect.DeepEqual(parts, wantParts) {
			t.Fatalf("batch %s: got partitions %q, want %q", bt, parts, wantParts)
		}
	}

	// Files written in place between listings wait one listing, to be sure
	// they are complete; ignored names never count.
	writeFile(t, dir, "a.txt", "a1\r\na2\n", 500)
	for _, name := range []string{".hidden", "_SUCCESS", "b.txt.tmp", "c.txt._COPYING_"} {
		writeFile(t, dir, name, "ignored\n", 500)
	}
	os.Mkdir(filepath.Join(dir, "subdir"), 0o755)
	step() // 1000: a.txt is new since the last listing
	step([]any{"a1", "a2"})

	// A file moved in, already complete before the previous listing, is
	// taken at once; two files make two partitions, ordered by time.
	writeFile(t, elsewhere, "m2.txt", "m2\n", 1900)
	writeFile(t, elsewhere, "m1.txt", "m1 first\nm1 second", 1800)
	for _, n := range []string{"m1.txt", "m2.txt"} {
		if err := os.Rename(filepath.Join(elsewhere, n), filepath.Join(dir, n)); err != nil {
			t.Fatal(err)
		}
	}
	step([]any{"m1 first", "m1 second"}, []any{"m2"}) // 3000

	// A file still being written is taken only once it stops changing.
	writeFile(t, dir, "w.txt", "w1\n", 3500)
	step() // 4000: new
	f, err := os.OpenFile(filepath.Join(dir, "w.txt"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("w2\n")
	f.Close()
	setMtime(t, filepath.Join(dir, "w.txt"), 4500)
	step() // 5000: changed since 4000
	step([]any{"w1", "w2"})

	// Files already read are not read again, even when touched.
	writeFile(t, dir, "a.txt", "a1\na2\nrewritten\n", 6500)
	writeFile(t, dir, "future.txt", "from the future\n", 60_000)
	step()
	step()
	step()

	all := sortedStrings(got.all())
	want := []string{"a1", "a2", "m1 first", "m1 second", "m2", "w1", "w2"}
	if !reflect.DeepEqual(all, want) {
		t.Errorf("all lines: got %q, want %q", all, want)
	}
	src := ssc.inputs[0].src.(*fileSource)
	st := src.st.State()
	wantProcessed := map[string]int64{"a.txt": 500, "m1.txt": 1800, "m2.txt": 1900, "w.txt": 4500}
	if !reflect.DeepEqual(st.Processed, wantProcessed) {
		t.Errorf("processed files: got %v, want %v", st.Processed, wantProcessed)
	}
	if files := st.Batches[3000]; !reflect.DeepEqual(files, []string{"m1.txt", "m2.txt"}) {
		t.Errorf("files of batch 3000: %v", files)
	}
}

func TestTextFileStreamForgetsOldFiles(t *testing.T) {
	dir := t.TempDir()
	ssc := manualContext(t)
	got := collect(ssc.TextFileStream(dir))
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "early.txt", "early\n", 100)
	if err := ssc.Advance(Seconds(2)); err != nil {
		t.Fatal(err)
	}
	if err := ssc.Advance(Minutes(2)); err != nil {
		t.Fatal(err)
	}
	src := ssc.inputs[0].src.(*fileSource)
	st := src.st.State()
	if len(st.Processed) != 0 || len(st.Batches) > 60 {
		t.Errorf("after two minutes the stream still remembers %d files and %d batches", len(st.Processed), len(st.Batches))
	}
	if all := got.all(); !reflect.DeepEqual(all, []any{"early"}) {
		t.Errorf("got %q", all)
	}
}

func TestTextFileStreamRecovery(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "done.txt", "already processed\n", 500)
	writeFile(t, dir, "inflight.txt", "re-read for the re-run batch\n", 600)
	writeFile(t, dir, "new.txt", "new\n", 700)
	ssc := manualContext(t)
	lines := ssc.TextFileStream(dir)
	got := collect(lines)
	src := ssc.inputs[0].src.(*fileSource)
	src.st.Restore(file.State{
		Initial:   0,
		Processed: map[string]int64{"done.txt": 500, "inflight.txt": 600},
		Batches:   map[int64][]string{1000: {"inflight.txt"}},
	})
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	if err := ssc.Advance(Seconds(2)); err != nil {
		t.Fatal(err)
	}
	if e := got.elems(0); !reflect.DeepEqual(e, []any{"re-read for the re-run batch"}) {
		t.Errorf("re-run batch: got %q", e)
	}
	if e := got.elems(1); !reflect.DeepEqual(e, []any{"new"}) {
		t.Errorf("next batch: got %q", e)
	}
}

func TestTextFileStreamMissingDirectory(t *testing.T) {
	tests := []struct {
		name string
		path func(t *testing.T) string
		want string
	}{
		{"missing", func(t *testing.T) string { return filepath.Join(t.TempDir(), "nope") }, "no such file or directory"},
		{"a file", func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "file")
			os.WriteFile(p, nil, 0o644)
			return p
		}, "is not a directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.path(t)
			ssc := manualContext(t)
			ssc.TextFileStream(dir).Print()
			err := ssc.Start()
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), dir) {
				t.Fatalf("Start: got %v, want an error naming %q and %q", err, dir, tc.want)
			}
			if ssc.State() != Stopped {
				t.Errorf("state %v after a failed start", ssc.State())
			}
		})
	}
}

func TestTextFileStreamRealClock(t *testing.T) {
	dir := t.TempDir()
	ssc := NewStreamingContext("local[2]", "files", Milliseconds(20), WithBatchLog(nil))
	defer ssc.Stop(false)
	got := collect(ssc.TextFileStream(dir))
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	// Written elsewhere, then moved in: the recommended way.
	tmp := filepath.Join(dir, ".incoming")
	os.WriteFile(tmp, []byte("one\ntwo\n"), 0o644)
	if err := os.Rename(tmp, filepath.Join(dir, "data.txt")); err != nil {
		t.Fatal(err)
	}
	pollUntil(t, "the file's lines", func() bool { return len(got.all()) == 2 })
	ssc.Stop(true)
	if all := sortedStrings(got.all()); !reflect.DeepEqual(all, []string{"one", "two"}) {
		t.Errorf("got %q", all)
	}
}
