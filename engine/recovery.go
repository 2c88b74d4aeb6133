package engine

import (
	"fmt"
	"time"

	"github.com/gostream/gostream/engine/internal/checkpoint"
	"github.com/gostream/gostream/engine/internal/num"
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
	rec, sp, err := checkpoint.Resume(dir, path, meta, ssc.batch, ssc.master, ssc.graphStreams(), decodeCkptElems, splitPair)
	if err != nil {
		panic(ckptError(op, sp, err))
	}
	ssc.mu.Lock()
	ssc.life.Recovered = rec
	ssc.mu.Unlock()
	return ssc
}

// Recovered reports whether the context was restored from a checkpoint by
// GetOrCreate.
func (ssc *StreamingContext) Recovered() bool { return ssc.life.FromCheckpoint() }

func toTimes(ts []int64) []Time { return num.Convert[Time](ts) }

// Checkpoints starts checkpointing when a directory is set, with the
// write-ahead log for receiver inputs, and applies a recovered checkpoint
// (engine/internal/checkpoint's Begin); it returns the batches to re-run.
// Start calls it before the sources start.
func (st *starter) Checkpoints(rec *checkpoint.Recovered) (*checkpoint.Checkpointer, []*batch, error) {
	const op = startOp
	ssc, inputs := st.ssc, st.inputs
	dir := ssc.CheckpointDir()
	if dir == "" {
		return nil, nil, nil
	}
	ssc.mu.Lock()
	streams := append([]*DStream(nil), ssc.streams...)
	ssc.mu.Unlock()
	s := checkpoint.Start{Graph: ssc.graphStreams(), Recovered: rec, Config: checkpoint.Config{
		Dir: dir, Encode: encodeCkptElems, Split: splitPair, Same: sameState,
		Meta: checkpoint.Meta{App: ssc.appName, Master: ssc.master, BatchMS: durMS(ssc.batch), Zero: int64(ssc.zero)},
		Fail: func(t int64, err error) {
			ssc.reportError(&Error{Op: "checkpoint", Time: Time(t), Msg: fmt.Sprintf("writing to %s: %v", dir, err), Err: err})
		},
	}}
	s.Meta.Inputs, s.Remember = ssc.graph.CheckpointInputs()
	s.Source = func(i int) (checkpoint.Source, error) {
		in := inputs[i]
		rs, ok := in.src.(*receiverSource)
		if !ok {
			return ssc.ckptSource(in), nil
		}
		w, err := rs.logTo(checkpoint.LogDir(dir, i), in, rec == nil)
		if err != nil {
			return checkpoint.Source{}, &Error{Op: op, Msg: fmt.Sprintf("write-ahead log of %s: %v", in.d.op, err), Err: err}
		}
		return w, nil
	}
	s.Restore = func(st *checkpoint.Chain) {
		d := streams[st.Ref.Stream]
		d.restoreState(Time(st.Ref.Time), st.Parts)
		if len(st.WindowTimes) > 0 {
			d.restoreWindowBatches(toTimes(st.WindowTimes), st.WindowParts)
		}
	}
	s.Replay = func(i int, t int64) {
		if rdd := streams[i].getOrCompute(Time(t)); rdd != nil {
			rdd.ready()
		}
	}
	s.Panic = func(r any) error {
		e := asTaskError("recovery", r)
		return &Error{Op: op, Time: e.Time, Msg: fmt.Sprintf("recovering from %s: %v", rec.Path, e), Err: e}
	}
	ck, ps, err := checkpoint.Begin(s)
	switch e := err.(type) {
	case nil:
	case *Error:
		return nil, nil, e
	case *checkpoint.RecoverError:
		return nil, nil, &Error{Op: op, Time: Time(e.Time), Msg: e.Msg, Err: e.Err}
	default:
		return nil, nil, &Error{Op: op, Msg: fmt.Sprintf("checkpoint directory %s: %v", dir, err), Err: err}
	}
	var pending []*batch
	now := time.Now()
	for _, p := range ps {
		pending = append(pending, &batch{Info: batchInfo{BatchTime: Time(p.Time), SubmissionTime: now, Records: p.Records}})
	}
	return ck, pending, nil
}

// graphStreams describes every stream of the graph, in construction order,
// for its fingerprint and its state checkpoints.
func (ssc *StreamingContext) graphStreams() []checkpoint.Stream {
	ssc.mu.Lock()
	ssc.syncNodes()
	ssc.mu.Unlock()
	return ssc.graph.Describe()
}

// ckptSource is what the checkpointer asks of input in: its batches'
// records and its position, and at recovery its position and batches put
// back. (A receiver's write-ahead log, receiverSource's logTo, replaces it.)
func (ssc *StreamingContext) ckptSource(in *input) checkpoint.Source {
	var s checkpoint.Source
	rs, _ := in.src.(recoverableSource)
	ps, _ := in.src.(positionedSource)
	if rs != nil {
		s.Record = func(t int64) ([]byte, error) { return rs.batchRecord(Time(t)) }
	}
	if ps != nil {
		s.Position, s.Restore = ps.position, ps.restorePosition
	}
	if r, ok := rs.(interface{ resumed(Time) }); ok {
		s.Resumed = func(t int64) { r.resumed(Time(t)) }
	}
	s.Rebuild = func(t int64, rec []byte) (int, error) {
		var r *RDD
		n := 0
		if rs != nil {
			var err error
			if r, n, err = rs.rebuild(Time(t), rec); err != nil {
				return 0, err
			}
		}
		in.put(ssc, Time(t), r)
		return n, nil
	}
	return s
}

// put makes r the input's RDD at t (an empty one when nil).
func (in *input) put(ssc *StreamingContext, t Time, r *RDD) {
	if r == nil {
		r = materialized(ssc.ex, in.d.op, nil)
	}
	r.time = t
	in.d.put(t, r)
}
