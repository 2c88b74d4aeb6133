package checkpoint

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// LogDir is the directory of the write-ahead log of input i in the
// checkpoint directory dir (i < 0: a pattern that matches every input's).
func LogDir(dir string, i int) string {
	name := "input-*"
	if i >= 0 {
		name = fmt.Sprintf("input-%d", i)
	}
	return filepath.Join(dir, "wal", name)
}

// Orphans returns an error when dir, which holds no metadata file, still
// holds state files or non-empty log segments. A context writes its first
// checkpoint before any receiver stores a record, so these can only remain
// when the metadata was deleted or lost; the error wraps ErrLost and ErrBad.
func Orphans(dir string) error {
	var found []string
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), StatePre) && !strings.HasSuffix(e.Name(), ".tmp") {
			found = append(found, e.Name())
		}
	}
	segs, _ := filepath.Glob(filepath.Join(LogDir(dir, -1), "*.log"))
	for _, s := range segs {
		if fi, err := os.Stat(s); err == nil && fi.Size() > 0 {
			rel, _ := filepath.Rel(dir, s)
			found = append(found, rel)
		}
	}
	if len(found) == 0 {
		return nil
	}
	shown := found
	if len(shown) > 3 {
		shown = append(shown[:3:3], fmt.Sprintf("and %d more", len(found)-3))
	}
	what := fmt.Sprintf("%d state and log files remain", len(found))
	if len(found) == 1 {
		what = "a state or log file remains"
	}
	return fmt.Errorf("no %s* metadata file, but %s (%s): the metadata was deleted or lost, and starting afresh would discard the records they hold; restore the %s* files, or remove the directory to start afresh: %w",
		MetaPrefix, what, strings.Join(shown, ", "), MetaPrefix, errors.Join(ErrLost, ErrBad))
}

// Load returns the newest metadata checkpoint in dir and its path; nil when
// dir holds none (or does not exist). A directory without metadata that
// still holds state or log files is an error (Orphans). On an error, the
// path is the file at fault, or dir.
func Load(dir string) (*Meta, string, error) {
	m, path, err := ReadLatest(dir)
	if err == nil && m == nil {
		err = Orphans(dir)
	}
	if err != nil && path == "" {
		path = dir
	}
	return m, path, err
}
