package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Recovery from a checkpoint, and the checkpointer that writes them.
//
// Closures cannot be saved, so recovery re-runs the user's graph definition
// (GetOrCreate's create function, or the script) and checks that it builds
// the same graph as the checkpoint's: the same streams made by the same
// operations from the same parents, with the same slides and windows, and
// the same batch interval and master. Then, at Start, it restores
//
//   - the zero time, so batch times line up with the first run's;
//   - the state of stateful streams from their latest state file;
//   - the input batches recorded since then, rebuilt by their sources
//     (RateStream from the batch time, file streams from their file lists,
//     receivers from the write-ahead log), and replays the stateful streams
//     over the completed ones, without running output operations, so state
//     is neither lost nor applied twice;
//   - the positions of the sources (files already processed, log offsets);
//
// and re-runs the batches that were generated but not completed, with their
// outputs, before the clock moves on.

// recoverableSource is implemented by input sources whose batches can be
// rebuilt after a restart.
type recoverableSource interface {
	// batchRecord returns what allocate(t) handed over, in the source's own
	// encoding; nil when rebuild needs only the batch time.
	batchRecord(t Time) ([]byte, error)
	// rebuild returns batch t's RDD and record count from its record.
	rebuild(t Time, rec []byte) (*RDD, int, error)
}

// positionedSource is implemented by sources that must remember where they
// are: the files already processed, the end of the log already allocated.
type positionedSource interface {
	position() ([]byte, error)
	restorePosition(pos []byte) error
}

// RateStream's batches depend only on their time.
func (s *rateSource) batchRecord(Time) ([]byte, error) { return nil, nil }

func (s *rateSource) rebuild(t Time, _ []byte) (*RDD, int, error) {
	r, n := s.allocate(t)
	return r, n, nil
}

// fileRecovery checkpoints a file stream: its position is the set of files
// it has taken and the files of its recent batches, which is also how a
// batch is rebuilt (the same files, read again).
type fileRecovery struct{ s *fileSource }

func (f fileRecovery) batchRecord(Time) ([]byte, error) { return nil, nil }

func (f fileRecovery) rebuild(t Time, _ []byte) (*RDD, int, error) {
	f.s.mu.Lock()
	_, ok := f.s.batches[t]
	f.s.mu.Unlock()
	if !ok {
		return nil, 0, fmt.Errorf("the files of batch %s are older than the stream remembers", t)
	}
	r, n := f.s.allocate(t)
	return r, n, nil
}

func (f fileRecovery) resumed(t Time) { f.s.resumed(t) }

func (f fileRecovery) position() ([]byte, error) { return json.Marshal(f.s.checkpointState()) }

func (f fileRecovery) restorePosition(pos []byte) error {
	var st fileStreamState
	if err := json.Unmarshal(pos, &st); err != nil {
		return err
	}
	f.s.restoreState(st)
	return nil
}

// recovery is what GetOrCreate read from the checkpoint, applied at Start.
type recovery struct {
	path   string
	meta   *ckptMeta
	states []recoveredState
}

type recoveredState struct {
	ref      ckptStateRef
	parts    [][]any
	winTimes []Time
	winParts [][][]any
}

// GetOrCreate returns the context to run from the checkpoint in dir: when
// dir holds a checkpoint, create is called to rebuild the graph, which must
// match the checkpoint's, and the context resumes where the checkpointed one
// stopped once started; otherwise create's context is returned, set to
// checkpoint into dir. A checkpoint that is corrupt, truncated, of an
// unknown version or from a different graph panics with an *Error that
// names the file and the problem (errors.Is(err, ErrBadCheckpoint)).
func GetOrCreate(dir string, create func() *StreamingContext) *StreamingContext {
	const op = "GetOrCreate"
	if dir == "" {
		buildErrorf(op, "want a checkpoint directory, got \"\"")
	}
	if create == nil {
		buildErrorf(op, "want a func() *engine.StreamingContext, got nil")
	}
	meta, path, err := readLatestCheckpoint(dir)
	if err != nil {
		if path == "" {
			path = dir
		}
		panic(ckptError(op, path, err))
	}
	ssc := create()
	if ssc == nil {
		buildErrorf(op, "create returned a nil *StreamingContext")
	}
	if st := ssc.State(); st != Initialized {
		buildErrorf(op, "create returned a context that is %s; it must return the context before starting it", st)
	}
	ssc.Checkpoint(dir)
	if meta == nil {
		return ssc
	}
	if err := ssc.matchCheckpoint(meta); err != nil {
		panic(ckptError(op, path, err))
	}
	rec := &recovery{path: path, meta: meta}
	for _, ref := range meta.States {
		sp := filepath.Join(dir, ref.File)
		data, err := os.ReadFile(sp)
		if err != nil {
			panic(ckptError(op, sp, err))
		}
		st, parts, winParts, err := decodeState(data)
		if err == nil && (st.Stream != ref.Stream || st.Time != ref.Time) {
			err = fmt.Errorf("corrupt: holds the state of stream %d at %s, the metadata %s expects stream %d at %s", st.Stream, st.Time, filepath.Base(path), ref.Stream, ref.Time)
		}
		if err != nil {
			panic(ckptError(op, sp, err))
		}
		rec.states = append(rec.states, recoveredState{ref: ref, parts: parts, winTimes: st.WindowTimes, winParts: winParts})
	}
	ssc.mu.Lock()
	ssc.recovered = rec
	ssc.mu.Unlock()
	return ssc
}

// Recovered reports whether the context was restored from a checkpoint by
// GetOrCreate.
func (ssc *StreamingContext) Recovered() bool {
	ssc.mu.Lock()
	defer ssc.mu.Unlock()
	return ssc.recovered != nil || ssc.resumed
}

// resumeTime is the first batch time to generate after the checkpoint's.
func (m *ckptMeta) resumeTime(batch time.Duration) Time {
	last := m.Completed
	if n := len(m.Pending); n > 0 {
		last = max(last, m.Pending[n-1])
	}
	return last.Add(batch)
}

// startCheckpoints starts checkpointing when a directory is set, with the
// write-ahead log for receiver inputs, and applies a recovered checkpoint;
// it returns the batches to re-run. Start calls it before the sources start.
func (ssc *StreamingContext) startCheckpoints(rec *recovery) ([]*batch, error) {
	const op = "StreamingContext.Start"
	dir := ssc.CheckpointDir()
	if dir == "" {
		return nil, nil
	}
	var prev *ckptMeta
	if rec != nil {
		prev = rec.meta
	}
	c, err := newCheckpointer(ssc, dir, prev)
	if err != nil {
		return nil, &Error{Op: op, Msg: fmt.Sprintf("checkpoint directory %s: %v", dir, err), Err: err}
	}
	for i, in := range c.inputs {
		rs, ok := in.src.(*receiverSource)
		if !ok {
			continue
		}
		w, err := openWAL(filepath.Join(dir, "wal", fmt.Sprintf("input-%d", i)), ssc, rs, rec == nil)
		if err != nil {
			return nil, &Error{Op: op, Msg: fmt.Sprintf("write-ahead log of %s: %v", in.d.op, err), Err: err}
		}
		c.wals[i] = w
		c.recs[i], c.poss[i] = w, w
		rs.setSink(w)
	}
	var pending []*batch
	if rec != nil {
		if pending, err = c.recoverBatches(rec); err != nil {
			c.close()
			return nil, err
		}
	} else if err := c.writeInitial(); err != nil {
		// Receivers may acknowledge records before the first batch: a
		// checkpoint must exist by then, or a restart would start afresh
		// and drop them.
		c.close()
		return nil, &Error{Op: op, Msg: fmt.Sprintf("checkpoint directory %s: %v", dir, err), Err: err}
	}
	ssc.mu.Lock()
	ssc.ckpt = c
	ssc.mu.Unlock()
	return pending, nil
}

// graphFingerprint describes every stream of the graph, in construction order.
func (ssc *StreamingContext) graphFingerprint() []string {
	ssc.mu.Lock()
	streams := append([]*DStream(nil), ssc.streams...)
	isInput := map[*DStream]bool{}
	for _, in := range ssc.inputs {
		isInput[in.d] = true
	}
	isOutput := map[*DStream]bool{}
	for _, o := range ssc.outputs {
		isOutput[o] = true
	}
	ssc.mu.Unlock()
	idx := make(map[*DStream]int, len(streams))
	for i, d := range streams {
		idx[d] = i
	}
	out := make([]string, len(streams))
	for i, d := range streams {
		var b strings.Builder
		b.WriteString(d.op)
		switch {
		case isInput[d]:
			b.WriteString(" input")
		case isOutput[d]:
			b.WriteString(" output")
		}
		if len(d.parents) > 0 {
			ps := make([]string, len(d.parents))
			for j, p := range d.parents {
				ps[j] = fmt.Sprint(idx[p])
			}
			fmt.Fprintf(&b, " of stream %s", strings.Join(ps, ","))
		}
		fmt.Fprintf(&b, ", slide %v", d.slide)
		if d.windowExtra > 0 {
			fmt.Fprintf(&b, ", window %v", d.windowExtra)
		}
		if d.state != nil {
			b.WriteString(", stateful")
		}
		out[i] = b.String()
	}
	return out
}

// matchCheckpoint reports how the context's graph differs from the
// checkpointed one, if it does.
func (ssc *StreamingContext) matchCheckpoint(m *ckptMeta) error {
	if b := durMS(ssc.batch); b != m.BatchMS {
		return fmt.Errorf("incompatible: the checkpoint has a batch interval of %v, the rebuilt context %v", time.Duration(m.BatchMS)*time.Millisecond, ssc.batch)
	}
	if ssc.master != m.Master {
		return fmt.Errorf("incompatible: the checkpoint ran on master %q, the rebuilt context on %q (state is partitioned for the first)", m.Master, ssc.master)
	}
	g := ssc.graphFingerprint()
	for i := 0; i < len(g) || i < len(m.Graph); i++ {
		switch {
		case i >= len(m.Graph):
			return fmt.Errorf("incompatible: the rebuilt graph has more streams than the checkpoint's %d; stream %d is %s", len(m.Graph), i, g[i])
		case i >= len(g):
			return fmt.Errorf("incompatible: the rebuilt graph has %d streams, the checkpoint's has %d; stream %d is missing: %s", len(g), len(m.Graph), i, m.Graph[i])
		case g[i] != m.Graph[i]:
			return fmt.Errorf("incompatible: stream %d differs: the checkpoint has %s, the rebuilt graph has %s", i, m.Graph[i], g[i])
		}
	}
	ssc.mu.Lock()
	nIn := len(ssc.inputs)
	ssc.mu.Unlock()
	if len(m.Inputs) != nIn {
		return fmt.Errorf("incompatible: the checkpoint has %d inputs, the rebuilt graph %d", len(m.Inputs), nIn)
	}
	return nil
}

// defaultCheckpointInterval is Spark's: the smallest multiple of the slide
// that is at least 10 s.
func defaultCheckpointInterval(slide time.Duration) time.Duration {
	n := (10*time.Second + slide - 1) / slide
	return n * slide
}

// checkpointer writes a running context's checkpoints.
type checkpointer struct {
	ssc      *StreamingContext
	dir      string
	streams  []*DStream
	index    map[*DStream]int
	inputs   []*input
	stateful []*DStream
	interval time.Duration // of the state checkpoints: the smallest stateful stream's
	batch    time.Duration
	wals     []*writeAheadLog    // per input; nil for inputs without a log
	recs     []recoverableSource // per input; nil for sources that cannot rebuild batches
	poss     []positionedSource  // per input; nil for sources without a position
	lock     *os.File            // the directory's lock (see ckptlock.go)

	mu      sync.Mutex
	seq     uint64
	meta    ckptMeta
	recent  [][]string      // state files referenced by the metadata files kept
	written map[string]bool // state files this run wrote or found
}

// newCheckpointer prepares dir and returns the checkpointer of a started
// context; prev is the recovered metadata, if any.
func newCheckpointer(ssc *StreamingContext, dir string, prev *ckptMeta) (*checkpointer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	lock, err := lockCheckpointDir(dir)
	if err != nil {
		return nil, err
	}
	_, seqs, err := metaFiles(dir)
	if err != nil {
		unlockCheckpointDir(lock)
		return nil, err
	}
	c := &checkpointer{ssc: ssc, dir: dir, index: map[*DStream]int{}, batch: ssc.batch, written: map[string]bool{}, lock: lock}
	if len(seqs) > 0 {
		c.seq = seqs[len(seqs)-1]
	}
	ssc.mu.Lock()
	c.streams = append([]*DStream(nil), ssc.streams...)
	c.inputs = append([]*input(nil), ssc.inputs...)
	ssc.mu.Unlock()
	c.wals = make([]*writeAheadLog, len(c.inputs))
	c.recs = make([]recoverableSource, len(c.inputs))
	c.poss = make([]positionedSource, len(c.inputs))
	for i, in := range c.inputs {
		c.recs[i], _ = in.src.(recoverableSource)
		c.poss[i], _ = in.src.(positionedSource)
		if fs, ok := in.src.(*fileSource); ok {
			c.recs[i], c.poss[i] = fileRecovery{fs}, fileRecovery{fs}
		}
	}
	// A stateless stream derived from a stateful one gives it its checkpoint
	// interval: MapWithState(spec).Checkpoint(i) sets the interval of the
	// state behind it.
	derived := map[*DStream]time.Duration{}
	for _, d := range c.streams {
		for _, p := range d.parents {
			if p.state != nil && d.state == nil && d.checkpointDur > 0 && (derived[p] == 0 || d.checkpointDur < derived[p]) {
				derived[p] = d.checkpointDur
			}
		}
	}
	for i, d := range c.streams {
		c.index[d] = i
		if d.state != nil {
			c.stateful = append(c.stateful, d)
			iv := d.checkpointDur
			if iv <= 0 {
				iv = derived[d]
			}
			if iv <= 0 {
				iv = defaultCheckpointInterval(d.slide)
			}
			if c.interval == 0 || iv < c.interval {
				c.interval = iv
			}
		}
	}
	c.meta = ckptMeta{
		App: ssc.appName, Master: ssc.master, BatchMS: durMS(ssc.batch),
		Graph: ssc.graphFingerprint(), Zero: ssc.zero, Completed: ssc.zero,
	}
	for _, in := range c.inputs {
		c.meta.Inputs = append(c.meta.Inputs, ckptInput{Stream: c.index[in.d], Op: in.d.op})
	}
	if prev != nil {
		c.meta.Completed = prev.Completed
		c.meta.Pending = append([]Time(nil), prev.Pending...)
		c.meta.States = append([]ckptStateRef(nil), prev.States...)
		for i := range c.meta.Inputs {
			c.meta.Inputs[i].Position = prev.Inputs[i].Position
			c.meta.Inputs[i].Batches = append([]ckptBatch(nil), prev.Inputs[i].Batches...)
		}
		var files []string
		for _, s := range prev.States {
			files = append(files, s.File)
		}
		c.recent = append(c.recent, files)
	}
	c.removeStale()
	return c, nil
}

// removeStale deletes temporary files left by a crash mid-write and state
// files no metadata refers to.
func (c *checkpointer) removeStale() {
	ents, err := os.ReadDir(c.dir)
	if err != nil {
		return
	}
	keep := map[string]bool{}
	for _, fs := range c.recent {
		for _, f := range fs {
			keep[f] = true
		}
	}
	// State files referenced by the metadata files still on disk stay too.
	names, _, _ := metaFiles(c.dir)
	for _, n := range names {
		if data, err := os.ReadFile(filepath.Join(c.dir, n)); err == nil {
			if m, err := decodeMeta(data); err == nil {
				for _, s := range m.States {
					keep[s.File] = true
				}
			}
		}
	}
	for _, e := range ents {
		n := e.Name()
		switch {
		case strings.HasPrefix(n, ".tmp-"):
			os.Remove(filepath.Join(c.dir, n))
		case strings.HasPrefix(n, ckptStatePre) && !keep[n]:
			os.Remove(filepath.Join(c.dir, n))
		case strings.HasPrefix(n, ckptStatePre):
			c.written[n] = true
		}
	}
}

// fail reports a checkpoint that could not be written as the batch's
// error (the context keeps the first); later batches try again.
func (c *checkpointer) fail(t Time, err error) {
	c.ssc.reportError(&Error{Op: "checkpoint", Time: t, Msg: fmt.Sprintf("writing to %s: %v", c.dir, err), Err: err})
}

// sourcesResumed tells the started sources of a recovered context that the
// last batch generated before the restart is t.
func (c *checkpointer) sourcesResumed(t Time) {
	for _, r := range c.recs {
		if rs, ok := r.(interface{ resumed(Time) }); ok {
			rs.resumed(t)
		}
	}
}

// writeInitial writes the checkpoint of a fresh start, before any batch:
// the zero time and the logs' starting positions.
func (c *checkpointer) writeInitial() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, w := range c.wals {
		if w != nil {
			pos, _ := w.position()
			c.meta.Inputs[i].Position = pos
		}
	}
	return c.writeMeta()
}

// record is what input i handed to batch t.
func (c *checkpointer) record(i int, t Time, n int) ckptBatch {
	b := ckptBatch{Time: t, Records: n}
	if rs := c.recs[i]; rs != nil {
		data, err := rs.batchRecord(t)
		if err != nil {
			c.fail(t, fmt.Errorf("recording the input of %s: %v", c.inputs[i].d.op, err))
		}
		b.Data = data
	}
	return b
}

// generated records batch t, whose inputs are allocated, as pending.
func (c *checkpointer) generated(t Time, batches []ckptBatch) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.meta.Pending = append(c.meta.Pending, t)
	for i := range c.meta.Inputs {
		c.meta.Inputs[i].Batches = append(c.meta.Inputs[i].Batches, batches[i])
		if ps := c.poss[i]; ps != nil {
			pos, err := ps.position()
			if err != nil {
				c.fail(t, fmt.Errorf("position of %s: %v", c.inputs[i].d.op, err))
				continue
			}
			c.meta.Inputs[i].Position = pos
		}
	}
	if err := c.writeMeta(); err != nil {
		c.fail(t, err)
	}
}

// completed records that batch t's jobs are done: it writes the state of
// the stateful streams when due, then the metadata, and removes what no
// checkpoint needs any longer. It runs between batches.
func (c *checkpointer) completed(t Time) {
	var refs []ckptStateRef
	if len(c.stateful) > 0 && (t - c.meta.Zero).IsMultipleOf(c.interval) {
		for _, d := range c.stateful {
			ref, err := c.writeState(d)
			if err != nil {
				c.fail(t, err)
				refs = nil
				break
			}
			if ref != nil {
				refs = append(refs, *ref)
			}
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if refs != nil {
		c.meta.States = mergeStateRefs(c.meta.States, refs)
	}
	for i, p := range c.meta.Pending {
		if p == t {
			c.meta.Pending = append(c.meta.Pending[:i:i], c.meta.Pending[i+1:]...)
			break
		}
	}
	if t > c.meta.Completed {
		c.meta.Completed = t
	}
	c.trim()
	if err := c.writeMeta(); err != nil {
		c.fail(t, err)
		return
	}
	// Only now that no metadata on disk needs them may log segments go.
	for i, w := range c.wals {
		if w != nil {
			w.release(c.meta.Inputs[i].Batches, c.meta.Inputs[i].Position)
		}
	}
	var cur []string
	for _, s := range c.meta.States {
		cur = append(cur, s.File)
	}
	c.recent = append(c.recent, cur)
	if len(c.recent) > ckptKeep {
		c.recent = c.recent[len(c.recent)-ckptKeep:]
	}
	c.clean()
}

func mergeStateRefs(old, fresh []ckptStateRef) []ckptStateRef {
	out := append([]ckptStateRef(nil), fresh...)
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

// writeState writes d's latest state; nil when d has none yet.
func (c *checkpointer) writeState(d *DStream) (*ckptStateRef, error) {
	st, parts, ok := d.stateSnapshot()
	if !ok {
		return nil, nil
	}
	i := c.index[d]
	enc, err := encodeParts(d.op, parts)
	if err != nil {
		return nil, err
	}
	s := ckptState{Stream: i, Op: d.op, Time: st, Parts: enc}
	times, wparts := d.windowBatches()
	for j, wp := range wparts {
		e, err := encodeParts(d.op, wp)
		if err != nil {
			return nil, err
		}
		s.WindowTimes = append(s.WindowTimes, times[j])
		s.WindowParts = append(s.WindowParts, e)
	}
	payload, err := json.Marshal(&s)
	if err != nil {
		return nil, err
	}
	name := stateName(i, st)
	if err := writeFileAtomic(c.dir, name, frameCheckpoint(ckptKindState, payload)); err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.written[name] = true
	c.mu.Unlock()
	return &ckptStateRef{Stream: i, Time: st, File: name}, nil
}

// stateFloor is the time of the oldest state recovery would start from.
func (c *checkpointer) stateFloor() (Time, bool) {
	if len(c.stateful) == 0 {
		return 0, false
	}
	floor := c.meta.Completed
	for _, d := range c.stateful {
		t := c.meta.Zero
		for _, s := range c.meta.States {
			if s.Stream == c.index[d] {
				t = s.Time
			}
		}
		floor = min(floor, t)
	}
	return floor, true
}

// trim forgets the input batches recovery no longer needs: those at or
// before both the stateful streams' latest state and what the input's
// readers remember.
func (c *checkpointer) trim() {
	floor, hasState := c.stateFloor()
	pending := map[Time]bool{}
	for _, p := range c.meta.Pending {
		pending[p] = true
	}
	for i := range c.meta.Inputs {
		limit := c.meta.Completed.Sub(c.inputs[i].d.remember)
		if hasState {
			limit = min(limit, floor)
		}
		bs := c.meta.Inputs[i].Batches
		k := 0
		for k < len(bs) && bs[k].Time <= limit && !pending[bs[k].Time] {
			k++
		}
		c.meta.Inputs[i].Batches = append([]ckptBatch(nil), bs[k:]...)
	}
}

// writeMeta writes the next metadata file. Call with c.mu held.
func (c *checkpointer) writeMeta() error {
	c.meta.Written = time.Now().UTC()
	data, err := encodeMeta(&c.meta)
	if err != nil {
		return err
	}
	c.seq++
	return writeFileAtomic(c.dir, metaName(c.seq), data)
}

// clean deletes metadata files but the last few, and state files none of
// them refers to. Call with c.mu held.
func (c *checkpointer) clean() {
	if c.seq > ckptKeep {
		names, seqs, err := metaFiles(c.dir)
		if err == nil {
			for i, n := range names {
				if seqs[i] <= c.seq-ckptKeep {
					os.Remove(filepath.Join(c.dir, n))
				}
			}
		}
	}
	keep := map[string]bool{}
	for _, fs := range c.recent {
		for _, f := range fs {
			keep[f] = true
		}
	}
	for _, s := range c.meta.States {
		keep[s.File] = true
	}
	for f := range c.written {
		if !keep[f] {
			os.Remove(filepath.Join(c.dir, f))
			delete(c.written, f)
		}
	}
}

func (c *checkpointer) close() {
	for _, w := range c.wals {
		if w != nil {
			w.close()
		}
	}
	unlockCheckpointDir(c.lock)
	c.lock = nil
}

// recoverBatches applies the recovered checkpoint to a started graph: it
// restores state and source positions, rebuilds the recorded input batches,
// replays the stateful streams over the completed batches and returns the
// batches to re-run. It runs in Start, before the sources start.
func (c *checkpointer) recoverBatches(rec *recovery) (pending []*batch, err error) {
	const op = "StreamingContext.Start"
	defer func() {
		if r := recover(); r != nil {
			e := asTaskError("recovery", r)
			err = &Error{Op: op, Time: e.Time, Msg: fmt.Sprintf("recovering from %s: %v", rec.path, e), Err: e}
		}
	}()
	m := rec.meta
	ssc, streams, inputs := c.ssc, c.streams, c.inputs
	restored := map[*DStream]Time{}
	for _, s := range rec.states {
		d := streams[s.ref.Stream]
		d.restoreState(s.ref.Time, s.parts)
		if len(s.winTimes) > 0 {
			d.restoreWindowBatches(s.winTimes, s.winParts)
		}
		restored[d] = s.ref.Time
	}
	records := map[Time]int{}
	for i, in := range inputs {
		ci := m.Inputs[i]
		if ps := c.poss[i]; ps != nil && ci.Position != nil {
			if err := ps.restorePosition(ci.Position); err != nil {
				return nil, &Error{Op: op, Msg: fmt.Sprintf("checkpoint %s: restoring the position of %s: %v", rec.path, in.d.op, err), Err: errors.Join(ErrBadCheckpoint, err)}
			}
		}
		rs := c.recs[i]
		for _, b := range ci.Batches {
			var r *RDD
			n := 0
			if rs != nil {
				var err error
				r, n, err = rs.rebuild(b.Time, b.Data)
				if err != nil {
					return nil, &Error{Op: op, Time: b.Time, Msg: fmt.Sprintf("checkpoint %s: rebuilding the input of %s: %v", rec.path, in.d.op, err), Err: errors.Join(ErrBadCheckpoint, err)}
				}
			}
			if r == nil {
				r = materialized(ssc.ex, in.d.op, nil)
			}
			r.time = b.Time
			in.d.put(b.Time, r)
			records[b.Time] += n
		}
	}
	// Replay the stateful streams over the completed batches after their state.
	var stateful []*DStream
	floor := m.Completed
	for _, d := range streams {
		if d.state == nil {
			continue
		}
		stateful = append(stateful, d)
		t, ok := restored[d]
		if !ok {
			t = m.Zero
		}
		floor = min(floor, t)
	}
	for t := floor.Add(ssc.batch); t <= m.Completed; t = t.Add(ssc.batch) {
		for _, d := range stateful {
			if rt, ok := restored[d]; ok && t <= rt {
				continue
			}
			if r := d.getOrCompute(t); r != nil {
				r.ready()
			}
		}
	}
	now := time.Now()
	for _, t := range m.Pending {
		pending = append(pending, &batch{time: t, submitted: now, records: records[t]})
	}
	return pending, nil
}
