package dir

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A committed directory holds its parts and _SUCCESS and replaces the
// previous one; what a crash left beside it is removed; nothing temporary
// stays behind.
func TestCommitReplaces(t *testing.T) {
	parent := t.TempDir()
	target := filepath.Join(parent, "out-1000")
	os.MkdirAll(filepath.Join(parent, ".out-1000.tmp-crashed"), 0o755)
	for _, text := range []string{"first\n", "second\n"} {
		d, err := Begin(target)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.WritePart("part-00000", func(w *bufio.Writer) error { _, err := w.WriteString(text); return err }); err != nil {
			t.Fatal(err)
		}
		if err := d.Commit(); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(target, "part-00000"))
		if err != nil || string(got) != text {
			t.Fatalf("part-00000 = %q, %v; want %q", got, err, text)
		}
		if _, err := os.Stat(filepath.Join(target, SuccessFile)); err != nil {
			t.Fatalf("no %s: %v", SuccessFile, err)
		}
	}
	ents, _ := os.ReadDir(parent)
	if len(ents) != 1 || ents[0].Name() != "out-1000" {
		t.Fatalf("parent holds %v, want out-1000 alone", ents)
	}
}

// An aborted directory leaves nothing; a parent that cannot be created is
// named in the error.
func TestAbortAndErrors(t *testing.T) {
	parent := t.TempDir()
	d, err := Begin(filepath.Join(parent, "out"))
	if err != nil {
		t.Fatal(err)
	}
	d.Abort()
	if ents, _ := os.ReadDir(parent); len(ents) != 0 {
		t.Fatalf("abort left %v", ents)
	}
	file := filepath.Join(parent, "file")
	os.WriteFile(file, nil, 0o644)
	_, err = Begin(filepath.Join(file, "sub", "out"))
	if err == nil || !strings.HasPrefix(err.Error(), `creating "`+filepath.Join(file, "sub")) {
		t.Fatalf("Begin under a file: %v", err)
	}
}
