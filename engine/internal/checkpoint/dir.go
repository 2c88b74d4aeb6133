package checkpoint

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gostream/gostream/engine/internal/wal"
)

// WriteFileAtomic writes data to dir/name: a temporary file, synced,
// renamed into place, and the directory synced.
func WriteFileAtomic(dir, name string, data []byte) error {
	f, err := os.CreateTemp(dir, ".tmp-"+name+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, name))
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return wal.SyncDir(dir)
}

// MetaFiles returns the metadata checkpoint files in dir with their
// sequence numbers, oldest first.
func MetaFiles(dir string) ([]string, []uint64, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	type mf struct {
		name string
		seq  uint64
	}
	var fs []mf
	for _, e := range ents {
		name := e.Name()
		if !strings.HasPrefix(name, MetaPrefix) {
			continue
		}
		seq, err := strconv.ParseUint(name[len(MetaPrefix):], 10, 64)
		if err != nil {
			continue
		}
		fs = append(fs, mf{name, seq})
	}
	sort.Slice(fs, func(i, j int) bool { return fs[i].seq < fs[j].seq })
	names := make([]string, len(fs))
	seqs := make([]uint64, len(fs))
	for i, f := range fs {
		names[i], seqs[i] = f.name, f.seq
	}
	return names, seqs, nil
}

// ReadLatest returns the newest metadata checkpoint in dir and its path;
// nil when dir holds none (or does not exist).
func ReadLatest(dir string) (*Meta, string, error) {
	names, _, err := MetaFiles(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	if len(names) == 0 {
		return nil, "", nil
	}
	path := filepath.Join(dir, names[len(names)-1])
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, path, err
	}
	m, err := DecodeMeta(data)
	return m, path, err
}

// Dir writes the files of one checkpoint directory and deletes those no
// kept metadata file needs. It is safe for concurrent use.
type Dir struct {
	path string

	mu      sync.Mutex
	seq     uint64
	recent  [][]string      // state files referenced by the metadata files kept
	written map[string]bool // state files this run wrote or found
}

// OpenDir prepares the directory at path for a started context; prev is
// the recovered metadata, if any. It removes temporary files left by a
// crash mid-write and state files no metadata refers to.
func OpenDir(path string, prev *Meta) (*Dir, error) {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, err
	}
	_, seqs, err := MetaFiles(path)
	if err != nil {
		return nil, err
	}
	d := &Dir{path: path, written: map[string]bool{}}
	if len(seqs) > 0 {
		d.seq = seqs[len(seqs)-1]
	}
	if prev != nil {
		var files []string
		for _, s := range prev.States {
			files = append(files, s.Files()...)
		}
		d.recent = append(d.recent, files)
	}
	d.removeStale()
	return d, nil
}

// Path is the directory's path.
func (d *Dir) Path() string { return d.path }

func (d *Dir) removeStale() {
	ents, err := os.ReadDir(d.path)
	if err != nil {
		return
	}
	keep := map[string]bool{}
	for _, fs := range d.recent {
		for _, f := range fs {
			keep[f] = true
		}
	}
	// State files referenced by the metadata files still on disk stay too.
	names, _, _ := MetaFiles(d.path)
	for _, n := range names {
		if data, err := os.ReadFile(filepath.Join(d.path, n)); err == nil {
			if m, err := DecodeMeta(data); err == nil {
				for _, s := range m.States {
					for _, f := range s.Files() {
						keep[f] = true
					}
				}
			}
		}
	}
	for _, e := range ents {
		n := e.Name()
		switch {
		case strings.HasPrefix(n, ".tmp-"):
			os.Remove(filepath.Join(d.path, n))
		case strings.HasPrefix(n, StatePre) && !keep[n]:
			os.Remove(filepath.Join(d.path, n))
		case strings.HasPrefix(n, StatePre):
			d.written[n] = true
		}
	}
}

// WriteMeta writes m as the next metadata file.
func (d *Dir) WriteMeta(m *Meta) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	m.Written = time.Now().UTC()
	data, err := EncodeMeta(m)
	if err != nil {
		return err
	}
	d.seq++
	return WriteFileAtomic(d.path, MetaName(d.seq), data)
}

// WriteState writes a state file of stream at t with payload, a full
// snapshot or a delta, and returns its name.
func (d *Dir) WriteState(stream int, t int64, delta bool, payload []byte) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	name := StateName(stream, t, delta)
	if err := WriteFileAtomic(d.path, name, Frame(KindState, payload)); err != nil {
		return "", err
	}
	d.written[name] = true
	return name, nil
}

// Clean is called after the metadata m of a completed batch is written: it
// deletes metadata files but the last Keep, and state files none of them
// refers to.
func (d *Dir) Clean(m *Meta) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var cur []string
	for _, s := range m.States {
		cur = append(cur, s.Files()...)
	}
	d.recent = append(d.recent, cur)
	if len(d.recent) > Keep {
		d.recent = d.recent[len(d.recent)-Keep:]
	}
	if d.seq > Keep {
		names, seqs, err := MetaFiles(d.path)
		if err == nil {
			for i, n := range names {
				if seqs[i] <= d.seq-Keep {
					os.Remove(filepath.Join(d.path, n))
				}
			}
		}
	}
	keep := map[string]bool{}
	for _, fs := range d.recent {
		for _, f := range fs {
			keep[f] = true
		}
	}
	for f := range d.written {
		if !keep[f] {
			os.Remove(filepath.Join(d.path, f))
			delete(d.written, f)
		}
	}
}

// MergeStateRefs replaces the references of old by the fresh ones of the
// same streams, ordered by stream.
func MergeStateRefs(old, fresh []StateRef) []StateRef {
	out := append([]StateRef(nil), fresh...)
	for _, o := range old {
		found := false
		for _, f := range fresh {
			found = found || f.Stream == o.Stream
		}
		if !found {
			out = append(out, o)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Stream < out[j].Stream })
	return out
}

// Complete records that batch t is done: it is no longer pending, and the
// last completed batch is at least t.
func (m *Meta) Complete(t int64) {
	for i, p := range m.Pending {
		if p == t {
			m.Pending = append(m.Pending[:i:i], m.Pending[i+1:]...)
			break
		}
	}
	if t > m.Completed {
		m.Completed = t
	}
}

// StateFloor is the time of the oldest state recovery would start from,
// given the graph indexes of the stateful streams; false when there are
// none.
func (m *Meta) StateFloor(stateful []int) (int64, bool) {
	if len(stateful) == 0 {
		return 0, false
	}
	floor := m.Completed
	for _, i := range stateful {
		t := m.Zero
		for _, s := range m.States {
			if s.Stream == i {
				t = s.Time
			}
		}
		floor = min(floor, t)
	}
	return floor, true
}

// Replay is a completed batch recovery recomputes the stateful streams
// Streams (graph indexes) at, without outputs: their restored state is
// older than it.
type Replay struct {
	Time    int64
	Streams []int
}

// Replays lists, in time order, the completed batches after the oldest
// state recovery starts from (StateFloor) with the stateful streams each
// must be recomputed for, given the graph indexes of the stateful streams:
// a stream's state is restored at its StateRef's time, or the zero time
// without one.
func (m *Meta) Replays(stateful []int) []Replay {
	floor, ok := m.StateFloor(stateful)
	if !ok {
		return nil
	}
	restored := map[int]int64{}
	for _, s := range m.States {
		restored[s.Stream] = s.Time
	}
	var out []Replay
	for t := floor + m.BatchMS; t <= m.Completed; t += m.BatchMS {
		r := Replay{Time: t}
		for _, i := range stateful {
			if rt, ok := restored[i]; ok && t <= rt {
				continue
			}
			r.Streams = append(r.Streams, i)
		}
		out = append(out, r)
	}
	return out
}

// Trim forgets the input batches recovery no longer needs: those at or
// before both the stateful streams' oldest state and what the input's
// readers remember (remember[i] ms before the last completed batch for
// input i).
func (m *Meta) Trim(remember []int64, stateful []int) {
	floor, hasState := m.StateFloor(stateful)
	pending := map[int64]bool{}
	for _, p := range m.Pending {
		pending[p] = true
	}
	for i := range m.Inputs {
		limit := m.Completed - remember[i]
		if hasState {
			limit = min(limit, floor)
		}
		bs := m.Inputs[i].Batches
		k := 0
		for k < len(bs) && bs[k].Time <= limit && !pending[bs[k].Time] {
			k++
		}
		m.Inputs[i].Batches = append([]Batch(nil), bs[k:]...)
	}
}
