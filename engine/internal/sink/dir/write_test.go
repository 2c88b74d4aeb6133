package dir

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func serial(n int, task func(int)) {
	for i := 0; i < n; i++ {
		task(i)
	}
}

func lines(r io.Reader) ([]any, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var out []any
	for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out, nil
}

// TestWriteReadParts: Write's parts, named in order with the extension,
// read back by ReadParts in order; a part that fails leaves nothing, and
// the error is the first failing part's.
func TestWriteReadParts(t *testing.T) {
	parent := t.TempDir()
	path := filepath.Join(parent, "out-1000")
	parts := [][]any{{"a", "b"}, {}, {1, 2.5}}
	err := Write(path, len(parts), "", serial, func(p int, w *bufio.Writer) error {
		return WriteLines(w, parts[p], func(x any) string { return fmt.Sprint(x) })
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadParts(path, lines)
	if want := [][]any{{"a", "b"}, nil, {"1", "2.5"}}; err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("ReadParts: %q, %v; want %q", got, err, want)
	}
	if err := Write(filepath.Join(parent, "ext"), 2, ".txt", serial, func(int, *bufio.Writer) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if names, _ := filepath.Glob(filepath.Join(parent, "ext", "*")); len(names) != 3 || filepath.Base(names[0]) != "_SUCCESS" || filepath.Base(names[2]) != "part-00001.txt" {
		t.Errorf("files: %v", names)
	}

	bad := errors.New("bad part")
	err = Write(filepath.Join(parent, "failed"), 4, "", serial, func(p int, w *bufio.Writer) error {
		if p >= 2 {
			return fmt.Errorf("part %d: %w", p, bad)
		}
		return nil
	})
	if err == nil || !errors.Is(err, bad) || !strings.Contains(err.Error(), "part-00002") {
		t.Errorf("a failing part: %v", err)
	}
	if left, _ := os.ReadDir(parent); len(left) != 2 {
		t.Errorf("after a failed Write the parent holds %d entries, want the 2 written", len(left))
	}

	func() {
		defer func() { recover() }()
		Write(filepath.Join(parent, "panicked"), 1, "", func(int, func(int)) { panic("task") }, nil)
	}()
	if left, _ := os.ReadDir(parent); len(left) != 2 {
		t.Errorf("after a panic the parent holds %d entries, want 2", len(left))
	}
}

func TestReadPartsErrors(t *testing.T) {
	parent := t.TempDir()
	_, err := ReadParts(filepath.Join(parent, "none"), lines)
	if err == nil || !strings.Contains(err.Error(), "is not a complete output directory (no _SUCCESS): ") || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("no directory: %v", err)
	}
	path := filepath.Join(parent, "out")
	Write(path, 1, "", serial, func(int, *bufio.Writer) error { return nil })
	bad := errors.New("undecodable")
	_, err = ReadParts(path, func(io.Reader) ([]any, error) { return nil, bad })
	if want := fmt.Sprintf("reading %q: undecodable", filepath.Join(path, "part-00000")); err == nil || err.Error() != want || errors.Unwrap(err) != bad {
		t.Errorf("got %v, want %s", err, want)
	}
}
