package file

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	writeAt(t, dir, "a.txt", "a1\na2\n", 100)
	writeAt(t, dir, "big.txt", strings.Repeat("line\n", 10), 100)
	if err := os.Mkdir(filepath.Join(dir, "d"), 0o755); err != nil {
		t.Fatal(err)
	}

	// Lines: a small file whole, a large one cut into splits, all counted.
	b, err := Read(dir, []string{"a.txt", "big.txt"}, Reading{SplitSize: 20}, serial)
	if err != nil {
		t.Fatal(err)
	}
	if b.Records != 12 || len(b.Parts) != len(b.Splits) || len(b.Parts) < 3 || b.Splits[0] != nil || !reflect.DeepEqual(b.Parts[0], []any{"a1", "a2"}) {
		t.Errorf("Read of lines = %d records, parts %v, splits %v", b.Records, b.Parts, b.Splits)
	}
	if b, err = Read(dir, []string{"a.txt"}, Reading{SplitSize: 1 << 20}, serial); err != nil || b.Splits != nil || b.Records != 2 {
		t.Errorf("Read of small files: splits %v, %d records, %v; want no splits, 2", b.Splits, b.Records, err)
	}

	// Records and objects: one partition per file, or the parts of each.
	recs := func(path string) ([]any, error) { return []any{filepath.Base(path)}, nil }
	if b, err = Read(dir, []string{"a.txt", "big.txt"}, Reading{Records: recs}, serial); err != nil || b.Records != 2 || !reflect.DeepEqual(b.Parts, [][]any{{"a.txt"}, {"big.txt"}}) {
		t.Errorf("Read of records = %v, %d, %v", b.Parts, b.Records, err)
	}
	objs := func(path string) ([][]any, error) { return [][]any{{path}, {1, 2}}, nil }
	if b, err = Read(dir, []string{"d"}, Reading{Objects: objs}, serial); err != nil || b.Records != 3 || len(b.Parts) != 2 || b.Parts[0][0] != filepath.Join(dir, "d") {
		t.Errorf("Read of objects = %v, %d, %v", b.Parts, b.Records, err)
	}

	// Errors: the message names the file; a record reader's own error is
	// the one wrapped.
	bad := errors.New("bad record")
	_, err = Read(dir, []string{"a.txt"}, Reading{Records: func(string) ([]any, error) { return nil, bad }}, serial)
	var re *ReadError
	if !errors.As(err, &re) || re.Err != bad || !strings.Contains(re.Msg, "a.txt") {
		t.Errorf("Read with a failing reader: %#v", err)
	}
	_, err = Read(dir, []string{"gone.txt"}, Reading{SplitSize: 20}, serial)
	if !errors.As(err, &re) || !errors.Is(re.Err, os.ErrNotExist) || !strings.Contains(re.Msg, "gone.txt") {
		t.Errorf("Read of a missing file: %#v", err)
	}
}

// TestPosition: the position is the state's JSON, with batch times as
// keys, and restores the state it was taken of.
func TestPosition(t *testing.T) {
	s := NewStream(Config{Dir: t.TempDir()})
	s.Restore(State{Initial: 5, Processed: map[string]int64{"a": 1}, Batches: map[int64][]string{1000: {"a"}}})
	pos, err := s.Position()
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"Initial":5,"Processed":{"a":1},"Batches":{"1000":["a"]}}`
	if string(pos) != want {
		t.Errorf("Position = %s; want %s", pos, want)
	}
	r := NewStream(Config{Dir: t.TempDir()})
	if err := r.RestorePosition(pos); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r.State(), s.State()) || !r.Has(1000) {
		t.Errorf("restored %+v; want %+v", r.State(), s.State())
	}
	if err := r.RestorePosition([]byte("{")); err == nil {
		t.Error("RestorePosition of broken JSON: no error")
	}
}
