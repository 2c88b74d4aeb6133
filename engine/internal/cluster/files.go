package cluster

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gostream/gostream/engine/internal/sink/dir"
)

// WriteParts writes this member's part files of the output directory
// path, which the members sharing a file system write together: through
// run, for each partition p of n that owns reports, part-%05d<ext> written
// by write under a temporary name and renamed into place; the other
// members' part files are left alone. Then _SUCCESS, which says only that
// this member's part files are complete, and the directory is synced. The
// error names the step and the file; a part's is the first that failed in
// partition order, and no _SUCCESS is written after it.
func WriteParts(path string, n int, ext string, owns func(p int) bool, run dir.Runner, write func(p int, w *bufio.Writer) error) error {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return fmt.Errorf("creating %q: %w", path, err)
	}
	errs := make([]error, n)
	run(n, func(p int) {
		if !owns(p) {
			return
		}
		part := fmt.Sprintf("part-%05d%s", p, ext)
		tmp := filepath.Join(path, "."+part+".tmp-"+dir.RandomSuffix())
		if err := dir.WriteFileSynced(tmp, func(w *bufio.Writer) error { return write(p, w) }); err != nil {
			os.Remove(tmp)
			errs[p] = fmt.Errorf("writing %s of %q: %w", part, path, err)
			return
		}
		if err := os.Rename(tmp, filepath.Join(path, part)); err != nil {
			os.Remove(tmp)
			errs[p] = fmt.Errorf("renaming %s of %q: %w", part, path, err)
		}
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if err := dir.WriteFileSynced(filepath.Join(path, dir.SuccessFile), func(*bufio.Writer) error { return nil }); err != nil {
		return fmt.Errorf("writing %s of %q: %w", dir.SuccessFile, path, err)
	}
	if err := dir.SyncPath(path); err != nil {
		return fmt.Errorf("syncing %q: %w", path, err)
	}
	return nil
}
