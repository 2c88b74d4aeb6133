package file

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sync"

	"github.com/gostream/gostream/engine/internal/sink/dir"
)

// RememberMS is how long a stream remembers the files it took (Spark's
// minRememberDuration); older files are not considered at all.
const RememberMS = 60_000

// ClockSlackMS is how far before the start boundary a file's modification
// time may lie, on the real clock, and still count as new: the kernel's
// file clock ticks coarsely and times are truncated to milliseconds.
const ClockSlackMS = 10

// Config configures a Stream.
type Config struct {
	Dir string
	// Objects makes the entries output directories (of SaveAsObjectFiles),
	// listed once complete (they hold _SUCCESS), rather than regular files.
	Objects bool
	// Accept, when not nil, keeps only the names it returns true for;
	// Ignored names stay ignored.
	Accept func(name string) bool
	// OldFiles makes the first batch also take the files already there at
	// the start, within the remember window.
	OldFiles bool
	// Skipped, when not nil, is told once per name and reason of an entry
	// the stream does not read although its name is one it would: a
	// dangling symbolic link, a directory among files, a device. It is
	// called with the stream's lock held.
	Skipped func(name, reason string)
	// Records, when not nil, reads one file's records (a Reading's
	// Records), for the caller: the stream's own listing does not use it.
	Records func(path string) ([]any, error)
}

// Configure returns cfg with opts (of the engine's option type) applied,
// in order.
func Configure[O ~func(*Config)](cfg Config, opts []O) Config {
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	return cfg
}

// Stream is the listing and selection side of one file stream: which
// entries of the directory count, and which files each batch takes, kept
// in a Tracker under the stream's lock. Times are ms.
type Stream struct {
	cfg Config

	mu       sync.Mutex
	tr       *Tracker
	restored bool
	skips    map[string]string // name → why it is skipped, as reported
}

// NewStream returns a stream that has taken nothing.
func NewStream(cfg Config) *Stream { return &Stream{cfg: cfg, tr: NewTracker()} }

// Start checks the directory and takes the first listing at zero, the
// time the stream starts. Files modified at or before zero are old, or,
// on the real clock (wall), at or before zero minus ClockSlackMS; with
// OldFiles the remember window alone decides. A stream restored from a
// checkpoint keeps the restored boundary.
func (s *Stream) Start(zero int64, wall bool) error {
	fi, err := os.Stat(s.cfg.Dir)
	if err != nil {
		return fmt.Errorf("directory %q: %w", s.cfg.Dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%q is not a directory", s.cfg.Dir)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.restored {
		s.tr.Initial = zero
		if s.cfg.OldFiles {
			s.tr.Initial = math.MinInt64 / 2
		} else if wall {
			s.tr.Initial -= ClockSlackMS
		}
	}
	s.tr.ListedAt = zero
	entries, _ := s.list()
	s.tr.Listing = entries
	return nil
}

// Remember is how far back a stream with batches of batch ms looks:
// RememberMS rounded up to whole batches.
func Remember(batch int64) int64 { return (RememberMS + batch - 1) / batch * batch }

// Select returns the files batch t takes (names in the directory), with
// batches of batch ms: the same files again for a batch selected before
// (a batch re-run after recovery), else Tracker.Select over a new listing.
func (s *Stream) Select(t, batch int64) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if files, ok := s.tr.Batches[t]; ok {
		return files, nil
	}
	cur, err := s.list()
	if err != nil {
		return nil, err
	}
	return s.tr.Select(t, Remember(batch), cur), nil
}

// Has reports whether the stream remembers the files of batch t.
func (s *Stream) Has(t int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.tr.Batches[t]
	return ok
}

// Resumed makes the listing taken at the start stand for the listing of
// the last batch before a restart, t: a file stamped at or before t that
// appears later was moved in, and the next batch takes it, as the batch
// after t would have without the restart.
func (s *Stream) Resumed(t int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tr.ListedAt = max(s.tr.ListedAt, t)
}

// State is what a checkpoint keeps of a stream: the files already taken
// (name → modification time) and the files of each recent batch, so that
// recovery re-reads the same files for batches that did not complete and
// never takes a file twice.
type State struct {
	Initial   int64
	Processed map[string]int64
	Batches   map[int64][]string
}

// State returns a copy of the stream's state.
func (s *Stream) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := State{Initial: s.tr.Initial, Processed: make(map[string]int64, len(s.tr.Processed)), Batches: make(map[int64][]string, len(s.tr.Batches))}
	for k, v := range s.tr.Processed {
		st.Processed[k] = v
	}
	for k, v := range s.tr.Batches {
		st.Batches[k] = append([]string(nil), v...)
	}
	return st
}

// Restore installs a checkpointed state before the stream starts.
func (s *Stream) Restore(st State) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tr.Initial = st.Initial
	for k, v := range st.Processed {
		s.tr.Processed[k] = v
	}
	for k, v := range st.Batches {
		s.tr.Batches[k] = append([]string(nil), v...)
	}
	s.restored = true
}

// list returns the candidate entries of the directory; s.mu is held.
func (s *Stream) list() (map[string]Stat, error) {
	entries, err := os.ReadDir(s.cfg.Dir)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Stat, len(entries))
	for _, e := range entries {
		name := e.Name()
		if Ignored(name) || s.cfg.Accept != nil && !s.cfg.Accept(name) {
			continue
		}
		fi, ok := s.resolve(e)
		if !ok {
			continue
		}
		if s.cfg.Objects {
			if _, err := os.Stat(filepath.Join(s.cfg.Dir, name, dir.SuccessFile)); err != nil {
				continue // not complete
			}
		}
		out[name] = Stat{Size: fi.Size(), MTime: fi.ModTime().UnixMilli()}
	}
	return out, nil
}

// resolve returns the file information the stream uses for the entry e:
// the entry's own, or, for a symbolic link, its target's, as Hadoop's
// listing follows links. ok is false for an entry to skip; the reason is
// reported unless the entry is one the stream never reads anyway.
func (s *Stream) resolve(e fs.DirEntry) (fi fs.FileInfo, ok bool) {
	fi, err := e.Info()
	if err != nil {
		return nil, false // removed since the listing
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		target, err := os.Stat(filepath.Join(s.cfg.Dir, e.Name()))
		if err != nil {
			s.skipped(e.Name(), fmt.Sprintf("a dangling symbolic link (%v)", err))
			return nil, false
		}
		fi = target
	}
	switch {
	case fi.IsDir() && !s.cfg.Objects:
		s.skipped(e.Name(), "a directory (a file stream reads the regular files directly in it)")
		return nil, false
	case !fi.IsDir() && s.cfg.Objects:
		return nil, false
	case !fi.Mode().IsRegular() && !fi.IsDir():
		s.skipped(e.Name(), fmt.Sprintf("not a regular file (%s)", fi.Mode().Type()))
		return nil, false
	}
	return fi, true
}

// skipped reports, once per name and reason, that the stream skips name.
func (s *Stream) skipped(name, reason string) {
	if s.skips == nil {
		s.skips = map[string]string{}
	}
	if s.skips[name] == reason {
		return
	}
	s.skips[name] = reason
	if s.cfg.Skipped != nil {
		s.cfg.Skipped(name, reason)
	}
}

// Runner runs task(i) for every i in [0, n), some at once, and returns
// when all are done.
type Runner func(n int, task func(i int))

// ReadText returns the partitions of a batch's text files (names in dir):
// a file of up to splitSize bytes is read whole now, the files read
// through run; a larger one is cut into splits (Plan) that the batch's
// tasks read, splits[i] being partition i's (splits is nil when no file
// was cut). records counts the lines, those of cut files counted now
// without keeping them. An error names the file: "reading %q: ...".
func ReadText(dir string, files []string, splitSize int64, run Runner) (parts [][]any, splits []*Split, records int, err error) {
	plan, large, err := Plan(dir, files, splitSize)
	if err != nil {
		return nil, nil, 0, err
	}
	parts = make([][]any, len(plan))
	splits = make([]*Split, len(plan))
	errs := make([]error, len(plan))
	var wholes []int
	for i, j := range plan {
		if j.Split != nil {
			splits[i] = j.Split
		} else {
			wholes = append(wholes, i)
		}
	}
	if len(large) == 0 {
		splits = nil
	}
	run(len(wholes), func(k int) {
		i := wholes[k]
		parts[i], errs[i] = ReadLines(plan[i].Whole)
		if errs[i] != nil {
			errs[i] = fmt.Errorf("reading %q: %w", plan[i].Whole, errs[i])
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, nil, 0, err
	}
	for i := range parts {
		records += len(parts[i])
	}
	for _, path := range large {
		n, err := CountLines(path)
		if err != nil {
			return nil, nil, 0, fmt.Errorf("reading %q: %w", path, err)
		}
		records += n
	}
	return parts, splits, records, nil
}

// ReadWith reads each file of dir whole with read, through run: one
// partition per file. The error, of the first file in order that failed,
// is "reading %q: " and read's, which it wraps alone.
func ReadWith(dir string, files []string, read func(path string) ([]any, error), run Runner) ([][]any, error) {
	parts := make([][]any, len(files))
	errs := make([]error, len(files))
	run(len(files), func(p int) {
		parts[p], errs[p] = read(filepath.Join(dir, files[p]))
	})
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("reading %q: %w", filepath.Join(dir, files[i]), err)
		}
	}
	return parts, nil
}
