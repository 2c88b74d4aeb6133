package dir

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// SuccessFile marks a complete output directory.
const SuccessFile = "_SUCCESS"

// Dir is an output directory being written.
type Dir struct {
	dir, parent, base, tmp string
}

// Begin starts writing the directory dir: it creates dir's parent if need
// be, removes what earlier crashes left, and makes the temporary directory.
func Begin(dir string) (*Dir, error) {
	parent, base := filepath.Split(filepath.Clean(dir))
	if parent == "" {
		parent = "."
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("creating %q: %w", parent, err)
	}
	cleanLeftovers(parent, base)
	tmp := filepath.Join(parent, "."+base+".tmp-"+RandomSuffix())
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return nil, fmt.Errorf("creating %q: %w", tmp, err)
	}
	return &Dir{dir: dir, parent: parent, base: base, tmp: tmp}, nil
}

// WritePart writes the file name of the directory with write, synced.
func (d *Dir) WritePart(name string, write func(*bufio.Writer) error) error {
	if err := WriteFileSynced(filepath.Join(d.tmp, name), write); err != nil {
		return fmt.Errorf("writing %s of %q: %w", name, d.dir, err)
	}
	return nil
}

// Commit writes _SUCCESS and puts the directory in place.
func (d *Dir) Commit() error {
	if err := d.WritePart(SuccessFile, func(*bufio.Writer) error { return nil }); err != nil {
		return err
	}
	if err := SyncPath(d.tmp); err != nil {
		return fmt.Errorf("syncing %q: %w", d.tmp, err)
	}
	old := ""
	if _, err := os.Lstat(d.dir); err == nil {
		old = filepath.Join(d.parent, "."+d.base+".old-"+RandomSuffix())
		if err := os.Rename(d.dir, old); err != nil {
			return fmt.Errorf("moving the previous %q aside: %w", d.dir, err)
		}
	}
	if err := os.Rename(d.tmp, d.dir); err != nil {
		return fmt.Errorf("renaming %q to %q: %w", d.tmp, d.dir, err)
	}
	d.tmp = ""
	if err := SyncPath(d.parent); err != nil {
		return fmt.Errorf("syncing %q: %w", d.parent, err)
	}
	if old != "" {
		os.RemoveAll(old)
	}
	return nil
}

// Abort removes the temporary directory of a directory not committed.
func (d *Dir) Abort() {
	if d.tmp != "" {
		os.RemoveAll(d.tmp)
	}
}

// cleanLeftovers removes temporary directories of base left by a crash.
func cleanLeftovers(parent, base string) {
	for _, pat := range []string{".tmp-", ".old-"} {
		matches, _ := filepath.Glob(filepath.Join(parent, "."+EscapeGlob(base)+pat+"*"))
		for _, m := range matches {
			os.RemoveAll(m)
		}
	}
}

// EscapeGlob quotes the characters filepath.Glob treats specially.
func EscapeGlob(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "*", `\*`, "?", `\?`, "[", `\[`)
	return r.Replace(s)
}

func RandomSuffix() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// WriteFileSynced writes the file name with write through a buffer and
// syncs it before closing.
func WriteFileSynced(name string, write func(*bufio.Writer) error) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 64<<10)
	err = write(w)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// SyncPath syncs a file or directory.
func SyncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
