package engine

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
)

type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestTextFileStreamFollowsSymlinks: a symbolic link to a regular file is
// read as the file, as Spark does; a dangling link and a directory are
// skipped, each reported once with the reason.
func TestTextFileStreamFollowsSymlinks(t *testing.T) {
	dir, elsewhere := t.TempDir(), t.TempDir()
	var log lockedLog
	ssc := NewStreamingContext("local[2]", t.Name(), Seconds(1), WithManualClock(), WithBatchLog(&log))
	t.Cleanup(func() { ssc.Stop(false) })
	got := collect(ssc.TextFileStream(dir))
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, elsewhere, "target.txt", "through the link\n", 500)
	if err := os.Symlink(filepath.Join(elsewhere, "target.txt"), filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(elsewhere, "gone.txt"), filepath.Join(dir, "dangling.txt")); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(dir, "subdir"), 0o755)
	for i := 0; i < 3; i++ {
		if err := ssc.Advance(Seconds(1)); err != nil {
			t.Fatal(err)
		}
	}
	if all := got.all(); !reflect.DeepEqual(all, []any{"through the link"}) {
		t.Errorf("lines read: %q, want the linked file's", all)
	}
	out := log.String()
	for _, want := range []string{
		"TextFileStream: skipping " + filepath.Join(dir, "dangling.txt") + ": a dangling symbolic link (",
		"TextFileStream: skipping " + filepath.Join(dir, "subdir") + ": a directory (a file stream reads the regular files directly in it)\n",
	} {
		if n := strings.Count(out, want); n != 1 {
			t.Errorf("%q reported %d times, want once; batch log:\n%s", want, n, out)
		}
	}
}
