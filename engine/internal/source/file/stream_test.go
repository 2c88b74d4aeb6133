package file

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func writeAt(t *testing.T, dir, name, text string, mtime int64) {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	mt := time.UnixMilli(mtime)
	if err := os.Chtimes(path, mt, mt); err != nil {
		t.Fatal(err)
	}
}

func serial(n int, task func(int)) {
	for i := 0; i < n; i++ {
		task(i)
	}
}

// TestStreamSelect: a batch takes the new, stable files of its window,
// oldest first, each once; a file seen for the first time with a time
// after the last listing waits a batch; a batch selected again gets the
// same files.
func TestStreamSelect(t *testing.T) {
	dir := t.TempDir()
	writeAt(t, dir, "old.txt", "x\n", 500) // before the start: old
	s := NewStream(Config{Dir: dir})
	if err := s.Start(1000, false); err != nil {
		t.Fatal(err)
	}
	writeAt(t, dir, "b.txt", "b\n", 1500)
	writeAt(t, dir, "a.txt", "a\n", 1500)
	writeAt(t, dir, ".hidden", "h\n", 1500)
	writeAt(t, dir, "c.txt._COPYING_", "c\n", 1500)
	got, err := s.Select(2000, 1000)
	if err != nil || len(got) != 0 {
		t.Fatalf("batch 2000: %v, %v; want nothing (new files may still be written)", got, err)
	}
	writeAt(t, dir, "d.txt", "d\n", 2500)
	got, _ = s.Select(3000, 1000)
	if want := []string{"a.txt", "b.txt"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("batch 3000: %v, want %v", got, want)
	}
	if again, _ := s.Select(3000, 1000); !reflect.DeepEqual(again, got) {
		t.Fatalf("batch 3000 again: %v, want %v", again, got)
	}
	got, _ = s.Select(4000, 1000)
	if want := []string{"d.txt"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("batch 4000: %v, want %v", got, want)
	}
	if !s.Has(3000) || s.Has(5000) {
		t.Errorf("Has(3000) %v, Has(5000) %v", s.Has(3000), s.Has(5000))
	}
}

// TestStreamStateRoundTrip: a restored stream takes no file its state had
// taken, re-selects a recorded batch's files, and keeps the restored
// boundary at Start.
func TestStreamStateRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s := NewStream(Config{Dir: dir})
	if err := s.Start(0, false); err != nil {
		t.Fatal(err)
	}
	writeAt(t, dir, "a.txt", "a\n", 500)
	s.Select(1000, 1000)
	s.Select(2000, 1000)
	st := s.State()
	if !reflect.DeepEqual(st.Processed, map[string]int64{"a.txt": 500}) || !reflect.DeepEqual(st.Batches[2000], []string{"a.txt"}) {
		t.Fatalf("state %+v", st)
	}
	st.Processed["changed"] = 1 // a copy
	if s.State().Processed["changed"] != 0 {
		t.Fatal("State shares the stream's map")
	}

	r := NewStream(Config{Dir: dir})
	r.Restore(s.State())
	if err := r.Start(5000, false); err != nil {
		t.Fatal(err)
	}
	if got, _ := r.Select(2000, 1000); !reflect.DeepEqual(got, []string{"a.txt"}) {
		t.Errorf("re-run batch 2000: %v", got)
	}
	writeAt(t, dir, "b.txt", "b\n", 700) // moved in after the restart, stamped before it
	r.Resumed(2000)
	if got, _ := r.Select(3000, 1000); !reflect.DeepEqual(got, []string{"b.txt"}) {
		t.Errorf("batch 3000 after the restart: %v, want [b.txt]", got)
	}
}

// TestStreamSkipped: a dangling link and a directory are skipped, each
// reported once per reason; a link to a file is read as the file; names
// the filter refuses are not reported.
func TestStreamSkipped(t *testing.T) {
	dir := t.TempDir()
	var reports []string
	s := NewStream(Config{Dir: dir, Accept: func(n string) bool { return !strings.HasPrefix(n, "no") },
		Skipped: func(name, reason string) { reports = append(reports, name+": "+reason) }})
	if err := s.Start(0, false); err != nil {
		t.Fatal(err)
	}
	writeAt(t, dir, "target.txt", "t\n", 500)
	os.Symlink(filepath.Join(dir, "target.txt"), filepath.Join(dir, "link.txt"))
	os.Symlink(filepath.Join(dir, "missing"), filepath.Join(dir, "dangling"))
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	os.Mkdir(filepath.Join(dir, "nosub"), 0o755)
	s.Select(1000, 1000)
	got, _ := s.Select(2000, 1000)
	if want := []string{"link.txt", "target.txt"}; !reflect.DeepEqual(got, want) {
		t.Errorf("files: %v, want %v", got, want)
	}
	if len(reports) != 2 || !strings.HasPrefix(reports[0], "dangling: a dangling symbolic link") || reports[1] != "sub: a directory (a file stream reads the regular files directly in it)" {
		t.Errorf("reports: %q", reports)
	}
}

// TestStreamObjects: in Objects mode the entries are directories, taken
// once complete.
func TestStreamObjects(t *testing.T) {
	dir := t.TempDir()
	s := NewStream(Config{Dir: dir, Objects: true})
	if err := s.Start(0, false); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"out-1", "out-2"} {
		os.Mkdir(filepath.Join(dir, d), 0o755)
		os.Chtimes(filepath.Join(dir, d), time.UnixMilli(500), time.UnixMilli(500))
	}
	os.WriteFile(filepath.Join(dir, "out-1", "_SUCCESS"), nil, 0o644)
	os.Chtimes(filepath.Join(dir, "out-1"), time.UnixMilli(500), time.UnixMilli(500))
	writeAt(t, dir, "file.txt", "f\n", 500)
	s.Select(1000, 1000)
	if got, _ := s.Select(2000, 1000); !reflect.DeepEqual(got, []string{"out-1"}) {
		t.Errorf("got %v, want [out-1]", got)
	}
}

func TestStreamStartErrors(t *testing.T) {
	dir := t.TempDir()
	err := NewStream(Config{Dir: filepath.Join(dir, "nope")}).Start(0, false)
	if err == nil || !strings.HasPrefix(err.Error(), `directory "`) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing directory: %v", err)
	}
	writeAt(t, dir, "f", "", 0)
	err = NewStream(Config{Dir: filepath.Join(dir, "f")}).Start(0, false)
	if err == nil || err.Error() != `"`+filepath.Join(dir, "f")+`" is not a directory` {
		t.Errorf("a file: %v", err)
	}
}

// TestStreamInitial: files stamped at the start are old, except within
// ClockSlackMS on the real clock; OldFiles takes them within the window.
func TestStreamInitial(t *testing.T) {
	for _, tc := range []struct {
		wall, old bool
		want      []string
	}{{false, false, nil}, {true, false, []string{"b"}}, {false, true, []string{"a", "b"}}} {
		dir := t.TempDir()
		writeAt(t, dir, "a", "a\n", 10_000-ClockSlackMS-1)
		writeAt(t, dir, "b", "b\n", 10_000-ClockSlackMS+1)
		s := NewStream(Config{Dir: dir, OldFiles: tc.old})
		if err := s.Start(10_000, tc.wall); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Select(11_000, 1000)
		if len(got) == 0 {
			got = nil
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("wall %v, old %v: %v, want %v", tc.wall, tc.old, got, tc.want)
		}
	}
}

func TestRemember(t *testing.T) {
	for batch, want := range map[int64]int64{1000: 60_000, 7000: 63_000, 60_000: 60_000, 90_000: 90_000} {
		if got := Remember(batch); got != want {
			t.Errorf("Remember(%d) = %d, want %d", batch, got, want)
		}
	}
}

// TestReadText: small files are read whole, a large one is cut into
// splits whose lines are counted; an error names the file.
func TestReadText(t *testing.T) {
	dir := t.TempDir()
	writeAt(t, dir, "small", "s1\ns2\n", 0)
	writeAt(t, dir, "large", strings.Repeat("0123456789\n", 10), 0)
	parts, splits, n, err := ReadText(dir, []string{"small", "large"}, 50, serial)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 4 || !reflect.DeepEqual(parts[0], []any{"s1", "s2"}) || splits[0] != nil || splits[1] == nil || n != 12 {
		t.Fatalf("parts %v, splits %v, records %d", parts, splits, n)
	}
	if _, splits, _, _ := ReadText(dir, []string{"small"}, 50, serial); splits != nil {
		t.Errorf("no large file, splits %v", splits)
	}
	_, _, _, err = ReadText(dir, []string{"gone"}, 50, serial)
	if err == nil || !strings.HasPrefix(err.Error(), `reading "`+filepath.Join(dir, "gone")+`": `) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestReadWith(t *testing.T) {
	dir := t.TempDir()
	bad := errors.New("bad")
	read := func(path string) ([]any, error) {
		if strings.HasSuffix(path, "x") {
			return nil, bad
		}
		return []any{filepath.Base(path)}, nil
	}
	parts, err := ReadWith(dir, []string{"a", "b"}, read, serial)
	if err != nil || !reflect.DeepEqual(parts, [][]any{{"a"}, {"b"}}) {
		t.Fatalf("%v, %v", parts, err)
	}
	_, err = ReadWith(dir, []string{"a", "1x", "2x"}, read, serial)
	if err == nil || err.Error() != `reading "`+filepath.Join(dir, "1x")+`": bad` || errors.Unwrap(err) != bad {
		t.Errorf("got %v", err)
	}
}

func TestReadRecords(t *testing.T) {
	dir := t.TempDir()
	writeAt(t, dir, "six", "abcdef", 0)
	got, err := ReadRecords(filepath.Join(dir, "six"), 2)
	if want := []any{[]byte("ab"), []byte("cd"), []byte("ef")}; err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, %v; want %q", got, err, want)
	}
	if r := got[0].([]byte); cap(r) != 2 {
		t.Errorf("a record has capacity %d, want 2", cap(r))
	}
	_, err = ReadRecords(filepath.Join(dir, "six"), 4)
	if err == nil || err.Error() != "6 bytes are not a whole number of 4-byte records" {
		t.Errorf("a partial record: %v", err)
	}
	if _, err := ReadRecords(filepath.Join(dir, "gone"), 1); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
}
