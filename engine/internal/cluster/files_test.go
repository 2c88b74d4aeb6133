package cluster

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func serial(n int, task func(int)) {
	for p := range n {
		task(p)
	}
}

func TestWritePartsWritesOwnedParts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out-1000")
	if err := os.MkdirAll(path, 0o755); err != nil {
		t.Fatal(err)
	}
	// Another member's part file stays.
	if err := os.WriteFile(filepath.Join(path, "part-00001.txt"), []byte("theirs\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	owns := func(p int) bool { return p%2 == 0 }
	write := func(p int, w *bufio.Writer) error {
		_, err := w.WriteString(strings.Repeat("x", p+1) + "\n")
		return err
	}
	if err := WriteParts(path, 3, ".txt", owns, serial, write); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"_SUCCESS", "part-00000.txt", "part-00001.txt", "part-00002.txt"}; !slices.Equal(names, want) {
		t.Fatalf("got files %q, want %q", names, want)
	}
	for name, want := range map[string]string{"part-00000.txt": "x\n", "part-00001.txt": "theirs\n", "part-00002.txt": "xxx\n"} {
		if b, _ := os.ReadFile(filepath.Join(path, name)); string(b) != want {
			t.Fatalf("%s: got %q, want %q", name, b, want)
		}
	}
}

func TestWritePartsFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out")
	boom := errors.New("boom")
	write := func(p int, w *bufio.Writer) error {
		if p >= 1 {
			return boom
		}
		return nil
	}
	err := WriteParts(path, 3, "", func(int) bool { return true }, serial, write)
	if !errors.Is(err, boom) || err.Error() != `writing part-00001 of "`+path+`": boom` {
		t.Fatalf("got %v, want the first failed part's error", err)
	}
	if _, err := os.Stat(filepath.Join(path, "_SUCCESS")); !os.IsNotExist(err) {
		t.Fatalf("_SUCCESS after a failure: got %v", err)
	}
	names, _ := filepath.Glob(filepath.Join(path, ".*"))
	if len(names) != 0 {
		t.Fatalf("temporary files left: %q", names)
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	if err := WriteParts(file, 1, "", func(int) bool { return true }, serial, write); err == nil || !strings.HasPrefix(err.Error(), `creating "`+file+`": `) {
		t.Fatalf("a path that is a file: got %v", err)
	}
}
