package engine

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Entries of a watched directory that a file stream does not read are
// reported once each on the context's batch log (or its output, when the
// batch log is off): a user who drops a link or a directory into it is told
// why nothing happens. A symbolic link is followed, as Spark's Hadoop file
// listing does: a link to a regular file is read as that file (with the
// target's size and modification time), a dangling link or a link to a
// directory is skipped and reported.

// resolveEntry returns the file information a file stream uses for the
// directory entry e of s: the entry's own, or, for a symbolic link, its
// target's. ok is false for an entry to skip; a reason is then reported
// (once per name and reason) unless the entry is one the stream never reads
// anyway.
func (s *fileSource) resolveEntry(e fs.DirEntry) (fi fs.FileInfo, ok bool) {
	fi, err := e.Info()
	if err != nil {
		return nil, false // removed since the listing
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		path := filepath.Join(s.dir, e.Name())
		target, err := os.Stat(path)
		if err != nil {
			s.skipped(e.Name(), fmt.Sprintf("a dangling symbolic link (%v)", err))
			return nil, false
		}
		fi = target
	}
	switch {
	case fi.IsDir() && !s.objects:
		s.skipped(e.Name(), "a directory (a file stream reads the regular files directly in it)")
		return nil, false
	case !fi.IsDir() && s.objects:
		return nil, false
	case !fi.Mode().IsRegular() && !fi.IsDir():
		s.skipped(e.Name(), fmt.Sprintf("not a regular file (%s)", fi.Mode().Type()))
		return nil, false
	}
	return fi, true
}

// skipped reports, once per name and reason, that the stream skips name;
// s.mu is held.
func (s *fileSource) skipped(name, reason string) {
	if s.skips == nil {
		s.skips = map[string]string{}
	}
	if s.skips[name] == reason {
		return
	}
	s.skips[name] = reason
	ssc := s.ssc
	if ssc == nil {
		return
	}
	ssc.outMu.Lock()
	defer ssc.outMu.Unlock()
	var w io.Writer = ssc.batchLog
	if w == nil {
		w = ssc.out
	}
	if w != nil {
		fmt.Fprintf(w, "%s: skipping %s: %s\n", s.op, filepath.Join(s.dir, name), reason)
	}
}
