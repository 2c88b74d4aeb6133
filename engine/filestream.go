package engine

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gostream/gostream/engine/internal/source/file"
)

// TextFileStream returns a stream of the lines of new files in dir, as
// Spark's textFileStream. Every batch lists dir and takes each file it has
// not taken before whose modification time falls in the batch's window:
// after the stream started (only new files are read), at most the batch
// time, and within the last minute (Spark's minRememberDuration; files are
// remembered that long so none is read twice). Names starting with "." or
// "_" and ending in ".tmp" or "._COPYING_" are ignored, as are
// sub-directories. A file that may still be written, one that changed since
// the previous listing or appeared with a modification time after it, is
// left for a later batch: write files elsewhere and move them in for the
// lowest latency. Each file becomes one partition of the batch's RDD, its
// lines without "\n" or "\r\n"; a file over 32 MiB becomes one partition
// per 32 MiB, read line by line as the batch runs (as Hadoop's input splits),
// so a large file is never held in memory whole. The directory must exist
// when the context starts.
func (ssc *StreamingContext) TextFileStream(dir string, opts ...FileOption) *DStream {
	if dir == "" {
		buildErrorf("TextFileStream", "want a directory, got an empty path")
	}
	return ssc.fileStream("TextFileStream", dir, false, opts...)
}

// ObjectFileStream returns a stream of the elements saved by
// SaveAsObjectFiles into directories under dir: each new directory that is
// complete (holds _SUCCESS) is read once, its part files becoming
// partitions. It follows TextFileStream's rules, applied to directories.
func (ssc *StreamingContext) ObjectFileStream(dir string, opts ...FileOption) *DStream {
	if dir == "" {
		buildErrorf("ObjectFileStream", "want a directory, got an empty path")
	}
	return ssc.fileStream("ObjectFileStream", dir, true, opts...)
}

func (ssc *StreamingContext) fileStream(op, dir string, objects bool, opts ...FileOption) *DStream {
	src := &fileSource{ssc: ssc, op: op, dir: dir, objects: objects,
		tr: file.NewTracker()}
	src.fileOptions = fileOptionsOf(op, opts)
	return ssc.addInput(fmt.Sprintf("%s(%s)", op, dir), src)
}

// minRememberDuration is how long a file stream remembers the files it has
// read; older files are not considered at all.
const minRememberDuration = time.Minute

// fileSource is Spark's FileInputDStream.
type fileSource struct {
	ssc         *StreamingContext
	op, dir     string
	objects     bool
	fileOptions // FileFilter, NewFilesOnly, the record reader (sources_more.go)

	mu       sync.Mutex
	tr       *file.Tracker // the files taken, per batch, and the last listing
	restored bool
	skips    map[string]string // name → why the stream skips it, as reported (see filelinks.go)
}

// fileStreamState is what a checkpoint keeps of a file stream: the files
// already taken (name → modification time in ms) and the files of each
// recent batch, so that recovery re-reads the same files for batches that
// did not complete and never takes a file twice.
type fileStreamState struct {
	Initial   int64
	Processed map[string]int64
	Batches   map[Time][]string
}

// checkpointState returns a copy of the stream's processed files.
func (s *fileSource) checkpointState() fileStreamState {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := fileStreamState{Initial: s.tr.Initial, Processed: make(map[string]int64, len(s.tr.Processed)), Batches: make(map[Time][]string, len(s.tr.Batches))}
	for k, v := range s.tr.Processed {
		st.Processed[k] = v
	}
	for k, v := range s.tr.Batches {
		st.Batches[Time(k)] = append([]string(nil), v...)
	}
	return st
}

// restoreState installs a checkpointed state before the context starts.
func (s *fileSource) restoreState(st fileStreamState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tr.Initial = st.Initial
	for k, v := range st.Processed {
		s.tr.Processed[k] = v
	}
	for k, v := range st.Batches {
		s.tr.Batches[int64(k)] = append([]string(nil), v...)
	}
	s.restored = true
}

func (s *fileSource) start(ssc *StreamingContext) error {
	fi, err := os.Stat(s.dir)
	if err != nil {
		return fmt.Errorf("%s: directory %q: %w", s.op, s.dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s: %q is not a directory", s.op, s.dir)
	}
	// The stream starts at the context's zero time, the last batch boundary
	// before Start: file systems stamp files with a coarse clock that may lag
	// behind the exact time of Start.
	ssc.mu.Lock()
	now := int64(ssc.zero)
	wall := ssc.clock.Wall()
	ssc.mu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.restored {
		s.tr.Initial = now
		if s.oldFiles {
			s.tr.Initial = math.MinInt64 / 2 // the remember window alone decides, as in Spark
		} else if wall {
			// A file written just after Start can still carry a modification
			// time at or a little before the boundary: the kernel's file clock
			// ticks coarsely and times are truncated to milliseconds.
			s.tr.Initial -= fileClockSlack.Milliseconds()
		}
	}
	s.tr.ListedAt = now
	entries, _ := s.list()
	s.tr.Listing = entries
	return nil
}

// fileClockSlack is how far before the start boundary a file's
// modification time may lie, on the real clock, and still count as new.
const fileClockSlack = 10 * time.Millisecond

func (s *fileSource) stop(bool) {}

// remember is how far back the stream looks: minRememberDuration rounded
// up to whole batches.
func (s *fileSource) remember() int64 {
	b := durMS(s.ssc.batch)
	n := (durMS(minRememberDuration) + b - 1) / b
	return n * b
}

// list returns the candidate entries of the directory.
func (s *fileSource) list() (map[string]file.Stat, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	out := make(map[string]file.Stat, len(entries))
	for _, e := range entries {
		name := e.Name()
		if file.Ignored(name) || !s.accept(name) {
			continue
		}
		fi, ok := s.resolveEntry(e)
		if !ok {
			continue
		}
		if s.objects {
			if _, err := os.Stat(filepath.Join(s.dir, name, successFile)); err != nil {
				continue // not complete
			}
		}
		out[name] = file.Stat{Size: fi.Size(), MTime: fi.ModTime().UnixMilli()}
	}
	return out, nil
}

// selectFiles picks the files batch t takes.
func (s *fileSource) selectFiles(t Time) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if files, ok := s.tr.Batches[int64(t)]; ok {
		return files, nil // a batch re-run after recovery reads the same files
	}
	cur, err := s.list()
	if err != nil {
		return nil, err
	}
	return s.tr.Select(int64(t), s.remember(), cur), nil
}

// resumed makes the listing taken when the stream started stand for the
// listing of the last batch before a restart, t: a file stamped at or
// before t that appears later was moved in, and the next batch takes it,
// as the batch after t would have without the restart.
func (s *fileSource) resumed(t Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tr.ListedAt = max(s.tr.ListedAt, int64(t))
}

func (s *fileSource) pending() bool { return false }

func (s *fileSource) allocate(t Time) (*RDD, int) {
	files, err := s.selectFiles(t)
	if err != nil {
		return s.failing(t, fmt.Sprintf("listing directory %q: %v", s.dir, err), err), 0
	}
	parts := make([][]any, len(files))
	errs := make([]error, len(files))
	if s.objects {
		parts = nil
		for _, f := range files {
			ps, err := readObjectParts(filepath.Join(s.dir, f))
			if err != nil {
				return s.failing(t, err.Error(), err), 0
			}
			parts = append(parts, ps...)
		}
	} else if s.read == nil {
		parts, splits, n, err := s.splitFiles(t, files)
		if err != nil {
			return s.failing(t, err.Error(), err), 0
		}
		return s.splitRDD(t, parts, splits), n
	} else {
		s.ssc.ex.run(s.op, t, len(files), func(p int) {
			parts[p], errs[p] = s.readFile(filepath.Join(s.dir, files[p]))
		})
		for i, err := range errs {
			if err != nil {
				return s.failing(t, fmt.Sprintf("reading %q: %v", filepath.Join(s.dir, files[i]), err), err), 0
			}
		}
	}
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	return materialized(s.ssc.ex, s.op, parts), n
}

// failing returns an RDD whose computation fails the batch with msg.
func (s *fileSource) failing(t Time, msg string, err error) *RDD {
	e := &Error{Op: s.op, Time: t, Msg: msg, Err: err}
	return newRDD(s.ssc.ex, s.op, 1, nil, func(int, func(any)) { panic(taskFailure{e}) })
}

// readLines reads a text file as lines without "\n" or "\r\n".
func readLines(path string) ([]any, error) { return file.ReadLines(path) }
