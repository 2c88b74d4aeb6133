package engine

import (
	"fmt"
	"path/filepath"

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
	return ssc.fileStream("TextFileStream", dir, false, opts...)
}

// ObjectFileStream returns a stream of the elements saved by
// SaveAsObjectFiles into directories under dir: each new directory that is
// complete (holds _SUCCESS) is read once, its part files becoming
// partitions. It follows TextFileStream's rules, applied to directories.
func (ssc *StreamingContext) ObjectFileStream(dir string, opts ...FileOption) *DStream {
	return ssc.fileStream("ObjectFileStream", dir, true, opts...)
}

func (ssc *StreamingContext) fileStream(op, dir string, objects bool, opts ...FileOption) *DStream {
	if dir == "" {
		buildErrorf(op, "want a directory, got an empty path")
	}
	src := &fileSource{ssc: ssc, op: op, dir: dir, objects: objects}
	// FileFilter, NewFilesOnly, a record reader (sources_more.go)
	cfg := file.Configure(file.Config{Dir: dir, Objects: objects, Skipped: src.skipped}, opts)
	src.records, src.st = cfg.Records, file.NewStream(cfg)
	return ssc.addInput(fmt.Sprintf("%s(%s)", op, dir), src)
}

// fileSource is Spark's FileInputDStream: the engine's side (batches,
// RDDs, errors) of a file.Stream, which lists the directory and decides
// which files each batch takes.
type fileSource struct {
	ssc     *StreamingContext
	op, dir string
	objects bool
	records func(path string) ([]any, error) // one file's records; nil: its lines
	st      *file.Stream
}

func (s *fileSource) start(ssc *StreamingContext) error {
	// The stream starts at the context's zero time, the last batch boundary
	// before Start: file systems stamp files with a coarse clock that may lag
	// behind the exact time of Start.
	ssc.mu.Lock()
	zero := int64(ssc.zero)
	wall := ssc.clock.Wall()
	ssc.mu.Unlock()
	if err := s.st.Start(zero, wall); err != nil {
		return fmt.Errorf("%s: %w", s.op, err)
	}
	return nil
}

func (s *fileSource) stop(bool) {}

// resumed: see file.Stream.Resumed.
func (s *fileSource) resumed(t Time) { s.st.Resumed(int64(t)) }

func (s *fileSource) pending() bool { return false }

func (s *fileSource) allocate(t Time) (*RDD, int) {
	how := file.Reading{Records: s.records, SplitSize: fileSplitSize}
	if s.objects {
		how.Objects = readObjectParts
	}
	b, err := s.st.ReadBatch(int64(t), durMS(s.ssc.batch), how, func(n int, task func(int)) { s.ssc.ex.run(s.op, t, n, task) })
	if err != nil {
		e := s.readError(t, err) // the batch fails when it runs
		return newRDD(s.ssc.ex, s.op, 1, nil, func(int, func(any)) { panic(taskFailure{e}) }), 0
	}
	return s.batchRDD(t, b), b.Records
}

// Checkpointing: a file stream's position is the files it has taken and
// the files of its recent batches (file.Stream's Position), which is also
// how a batch is rebuilt: the same files, read again.

func (s *fileSource) batchRecord(Time) ([]byte, error) { return nil, nil }

func (s *fileSource) rebuild(t Time, _ []byte) (*RDD, int, error) {
	if !s.st.Has(int64(t)) {
		return nil, 0, fmt.Errorf("the files of batch %s are older than the stream remembers", t)
	}
	r, n := s.allocate(t)
	return r, n, nil
}

func (s *fileSource) position() ([]byte, error) { return s.st.Position() }

func (s *fileSource) restorePosition(pos []byte) error { return s.st.RestorePosition(pos) }

// readError is the batch's error for a *file.ReadError.
func (s *fileSource) readError(t Time, err error) *Error {
	re := err.(*file.ReadError)
	return &Error{Op: s.op, Time: t, Msg: re.Msg, Err: re.Err}
}

// skipped tells the user, on the context's batch log (or its output, when
// the batch log is off), why the stream does not read an entry of its
// directory (file.Config.Skipped): a user who drops a link or a directory
// into it is told why nothing happens.
func (s *fileSource) skipped(name, reason string) {
	ssc := s.ssc
	if ssc == nil {
		return
	}
	ssc.out.Reportf("%s: skipping %s: %s\n", s.op, filepath.Join(s.dir, name), reason)
}
