package engine

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ErrLostCheckpoint marks a checkpoint directory whose checkpoint-* metadata
// files are gone while state files or write-ahead log records remain: a
// fresh start would discard the logged records silently. Errors wrapping it
// also match ErrBadCheckpoint.
var ErrLostCheckpoint = errors.New("engine: checkpoint metadata missing")

// orphanedCheckpoint returns an error when dir, which holds no
// checkpoint-* file, still holds state files or non-empty log segments.
// A context writes its first checkpoint before any receiver stores a
// record, so these can only remain when the metadata was deleted or lost.
func orphanedCheckpoint(dir string) error {
	var found []string
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ckptStatePre) && !strings.HasSuffix(e.Name(), ".tmp") {
			found = append(found, e.Name())
		}
	}
	segs, _ := filepath.Glob(filepath.Join(dir, "wal", "input-*", "*.log"))
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
		ckptMetaPrefix, what, strings.Join(shown, ", "), ckptMetaPrefix, errors.Join(ErrLostCheckpoint, ErrBadCheckpoint))
}

// ckptFileMode is the permission of every file in a checkpoint directory:
// metadata and state files (os.CreateTemp's 0600) and log segments alike,
// since all of them hold the stream's data.
const ckptFileMode = 0o600
