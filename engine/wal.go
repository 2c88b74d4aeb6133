package engine

import (
	"errors"

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

// writeAheadLog is the log of one receiver input
// (engine/internal/source/receiver's Log). It is the receiver's sink, and
// rebuilds batches and the unallocated tail on recovery.
type writeAheadLog struct {
	log *receiver.Log
	src *receiverSource
	ssc *StreamingContext
}

// openWAL opens the log in dir for src; fresh empties it first (a context
// that does not recover starts numbering at 0 again).
func openWAL(dir string, ssc *StreamingContext, src *receiverSource, fresh bool) (*writeAheadLog, error) {
	l, err := receiver.OpenLog(dir, fresh, wal.Options{SegmentSize: walSegmentSize, Encode: encodeCkptElems, Decode: decodeCkptElems})
	if err != nil {
		return nil, err
	}
	return &writeAheadLog{log: l, src: src, ssc: ssc}, nil
}

// Store and Allocated make the log the receiver's sink.
func (w *writeAheadLog) Store(seq uint64, records []any) error { return w.log.Store(seq, records) }
func (w *writeAheadLog) Allocated(t int64, from, to uint64) error {
	return w.log.Allocated(t, from, to)
}

// batchRecord is the range of record numbers batch t took.
func (w *writeAheadLog) batchRecord(t Time) ([]byte, error) { return w.log.BatchRecord(int64(t)), nil }

// rebuild reads batch t's records back from the log.
func (w *writeAheadLog) rebuild(t Time, rec []byte) (*RDD, int, error) {
	xs, err := w.log.Rebuild(rec)
	if _, err = corruptLog(0, err); err != nil {
		return nil, 0, err
	}
	return w.ssc.Parallelize(xs), len(xs), nil
}

// position is the end of the records given to batches.
func (w *writeAheadLog) position() ([]byte, error) { return w.log.Position(), nil }

// restorePosition hands the records stored after pos, which no batch took
// before the crash, back to the receiver for its next batch.
func (w *writeAheadLog) restorePosition(pos []byte) error {
	_, err := corruptLog(0, w.log.RestorePosition(pos, w.src.src))
	return err
}

// ErrCorruptLog marks a write-ahead log segment damaged other than at its
// end: records acknowledged to their receiver would be lost. Errors wrapping
// it also match ErrBadCheckpoint.
var ErrCorruptLog = errors.New("engine: corrupt write-ahead log")

// corruptLog makes an error of the log's about a corrupt segment match
// ErrCorruptLog and ErrBadCheckpoint too.
func corruptLog(next uint64, err error) (uint64, error) {
	if errors.Is(err, wal.ErrCorrupt) {
		err = &corruptLogError{err}
	}
	return next, err
}

type corruptLogError struct{ err error }

func (e *corruptLogError) Error() string   { return e.err.Error() }
func (e *corruptLogError) Unwrap() []error { return []error{e.err, ErrCorruptLog, ErrBadCheckpoint} }

// release deletes the segments holding only records that no kept batch and
// no position needs.
func (w *writeAheadLog) release(batches []ckptBatch, position []byte) {
	ranges := make([][]byte, len(batches))
	for i, b := range batches {
		ranges[i] = b.Data
	}
	w.log.Release(ranges, position)
}

func (w *writeAheadLog) close() { w.log.Close() }
