package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gostream/gostream/engine/internal/checkpoint"
	"github.com/gostream/gostream/engine/internal/state"
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
	if !f.s.st.Has(int64(t)) {
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
	meta, path, err := checkpoint.Load(dir)
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
		st, sp, err := readState(dir, filepath.Base(path), ref)
		if err != nil {
			panic(ckptError(op, sp, err))
		}
		rec.states = append(rec.states, st)
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

func toTimes(ts []int64) []Time {
	if ts == nil {
		return nil
	}
	out := make([]Time, len(ts))
	for i, t := range ts {
		out[i] = Time(t)
	}
	return out
}

func fromTimes(ts []Time) []int64 {
	if ts == nil {
		return nil
	}
	out := make([]int64, len(ts))
	for i, t := range ts {
		out[i] = int64(t)
	}
	return out
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
	lock     *checkpoint.Lock    // the directory's lock

	files       *checkpoint.Dir
	images      map[*DStream]*state.Image // what the state files hold (statecheckpoint.go)
	statefulIdx []int                     // graph indexes of the stateful streams
	remember    []int64                   // per input: how far back its stream looks, ms

	mu   sync.Mutex
	meta ckptMeta
}

// newCheckpointer prepares dir and returns the checkpointer of a started
// context; prev is the recovered metadata, if any.
func newCheckpointer(ssc *StreamingContext, dir string, prev *ckptMeta) (*checkpointer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	lock, err := checkpoint.LockDir(dir)
	if err != nil {
		return nil, err
	}
	files, err := checkpoint.OpenDir(dir, prev)
	if err != nil {
		lock.Unlock()
		return nil, err
	}
	c := &checkpointer{ssc: ssc, dir: dir, files: files, index: map[*DStream]int{}, batch: ssc.batch, lock: lock, images: map[*DStream]*state.Image{}}
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
			c.statefulIdx = append(c.statefulIdx, i)
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
		Graph: ssc.graphFingerprint(), Zero: int64(ssc.zero), Completed: int64(ssc.zero),
	}
	for _, in := range c.inputs {
		c.meta.Inputs = append(c.meta.Inputs, ckptInput{Stream: c.index[in.d], Op: in.d.op})
		c.remember = append(c.remember, durMS(in.d.remember))
	}
	if prev != nil {
		c.meta.Completed = prev.Completed
		c.meta.Pending = append([]int64(nil), prev.Pending...)
		c.meta.States = append([]ckptStateRef(nil), prev.States...)
		for i := range c.meta.Inputs {
			c.meta.Inputs[i].Position = prev.Inputs[i].Position
			c.meta.Inputs[i].Batches = append([]ckptBatch(nil), prev.Inputs[i].Batches...)
		}
	}
	return c, nil
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
	b := ckptBatch{Time: int64(t), Records: n}
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
	c.meta.Pending = append(c.meta.Pending, int64(t))
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
	var staged []*stagedState
	if len(c.stateful) > 0 && (t - Time(c.meta.Zero)).IsMultipleOf(c.interval) {
		c.mu.Lock()
		cur := map[int]ckptStateRef{}
		for _, r := range c.meta.States {
			cur[r.Stream] = r
		}
		c.mu.Unlock()
		for _, d := range c.stateful {
			var on *ckptStateRef
			if r, ok := cur[c.index[d]]; ok {
				on = &r
			}
			ref, st, err := c.writeState(d, on)
			if err != nil {
				c.fail(t, err)
				refs, staged = nil, nil
				break
			}
			if ref != nil {
				refs, staged = append(refs, *ref), append(staged, st)
			}
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if refs != nil {
		c.meta.States = checkpoint.MergeStateRefs(c.meta.States, refs)
	}
	c.meta.Complete(int64(t))
	c.meta.Trim(c.remember, c.statefulIdx)
	if err := c.writeMeta(); err != nil {
		// The deltas written may or may not be referred to on disk: the
		// next state checkpoints are full snapshots.
		for _, im := range c.images {
			im.Reset()
		}
		c.fail(t, err)
		return
	}
	for _, st := range staged {
		st.img.Commit(st.delta, splitPair)
	}
	// Only now that no metadata on disk needs them may log segments go.
	for i, w := range c.wals {
		if w != nil {
			w.release(c.meta.Inputs[i].Batches, c.meta.Inputs[i].Position)
		}
	}
	c.files.Clean(&c.meta)
}

// writeMeta writes the next metadata file. Call with c.mu held.
func (c *checkpointer) writeMeta() error {
	return c.files.WriteMeta(&c.meta)
}

func (c *checkpointer) close() {
	for _, w := range c.wals {
		if w != nil {
			w.close()
		}
	}
	c.lock.Unlock()
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
		d.restoreState(Time(s.ref.Time), s.parts)
		if len(s.winTimes) > 0 {
			d.restoreWindowBatches(s.winTimes, s.winParts)
		}
		restored[d] = Time(s.ref.Time)
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
				r, n, err = rs.rebuild(Time(b.Time), b.Data)
				if err != nil {
					return nil, &Error{Op: op, Time: Time(b.Time), Msg: fmt.Sprintf("checkpoint %s: rebuilding the input of %s: %v", rec.path, in.d.op, err), Err: errors.Join(ErrBadCheckpoint, err)}
				}
			}
			if r == nil {
				r = materialized(ssc.ex, in.d.op, nil)
			}
			r.time = Time(b.Time)
			in.d.put(r.time, r)
			records[r.time] += n
		}
	}
	// Replay the stateful streams over the completed batches after their state.
	var stateful []*DStream
	floor := Time(m.Completed)
	for _, d := range streams {
		if d.state == nil {
			continue
		}
		stateful = append(stateful, d)
		t, ok := restored[d]
		if !ok {
			t = Time(m.Zero)
		}
		floor = min(floor, t)
	}
	for t := floor.Add(ssc.batch); t <= Time(m.Completed); t = t.Add(ssc.batch) {
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
		pending = append(pending, &batch{time: Time(t), submitted: now, records: records[Time(t)]})
	}
	return pending, nil
}
