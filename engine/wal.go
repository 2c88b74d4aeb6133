package engine

import (
	"errors"

	"github.com/gostream/gostream/engine/internal/checkpoint"
	"github.com/gostream/gostream/engine/internal/source/receiver"
	"github.com/gostream/gostream/engine/internal/wal"
)

// The write-ahead log of receiver input (engine/internal/wal).
//
// When a context checkpoints, every receiver stream (SocketTextStream,
// ReceiverStream) logs what it stores before Store returns, in
// checkpointDir/wal/input-<i>/. The metadata checkpoint remembers which
// record numbers each batch took and where the allocated records end, so
// after a crash the batches that must be rebuilt read their records back
// from the log, and the records stored but not yet given to a batch go to
// the next one. Segments whose records no batch or position needs any
// longer are deleted after every batch.

// walSegmentSize is the size after which the log starts a new segment.
var walSegmentSize int64 = 4 << 20

// logTo opens the write-ahead log of in, this receiver's input, in dir,
// makes it the receiver's sink and returns it as the checkpointer's source
// of the input (receiver.Log's Checkpoint): rebuilt batches are
// parallelized, errors about a corrupt segment match ErrCorruptLog. fresh
// empties it first (a context that does not recover starts numbering at 0
// again).
func (s *receiverSource) logTo(dir string, in *input, fresh bool) (checkpoint.Source, error) {
	l, err := receiver.OpenLog(dir, fresh, wal.Options{SegmentSize: walSegmentSize, Encode: encodeCkptElems, Decode: decodeCkptElems})
	if err != nil {
		return checkpoint.Source{}, err
	}
	s.src.SetSink(l)
	return l.Checkpoint(s.src, corruptLog, func(t int64, xs []any) { in.put(s.ssc, Time(t), s.ssc.Parallelize(xs)) }), nil
}

// ErrCorruptLog marks a write-ahead log segment damaged other than at its
// end: records acknowledged to their receiver would be lost. Errors wrapping
// it also match ErrBadCheckpoint.
var ErrCorruptLog = errors.New("engine: corrupt write-ahead log")

// corruptLog makes an error of the log's about a corrupt segment match
// ErrCorruptLog and ErrBadCheckpoint too.
func corruptLog(err error) error {
	if errors.Is(err, wal.ErrCorrupt) {
		err = &corruptLogError{err}
	}
	return err
}

type corruptLogError struct{ err error }

func (e *corruptLogError) Error() string   { return e.err.Error() }
func (e *corruptLogError) Unwrap() []error { return []error{e.err, ErrCorruptLog, ErrBadCheckpoint} }
