package engine

import (
	"errors"
	"fmt"

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

// writeAheadLog is the log of one receiver input. It is the receiver's
// blockSink, and rebuilds batches and the unallocated tail on recovery.
type writeAheadLog struct {
	log *wal.Log
	src *receiverSource
	ssc *StreamingContext
}

// openWAL opens the log in dir for src; fresh empties it first (a context
// that does not recover starts numbering at 0 again).
func openWAL(dir string, ssc *StreamingContext, src *receiverSource, fresh bool) (*writeAheadLog, error) {
	l, err := wal.Open(dir, fresh, wal.Options{SegmentSize: walSegmentSize, Encode: encodeCkptElems, Decode: decodeCkptElems})
	if err != nil {
		return nil, err
	}
	return &writeAheadLog{log: l, src: src, ssc: ssc}, nil
}

func segName(first uint64) string { return wal.SegName(first) }

// store appends records numbered from seq and syncs them: the blockSink
// hook, called before Store returns.
func (w *writeAheadLog) store(_ string, seq uint64, records []any) error {
	err := w.log.Append(seq, records)
	if errors.Is(err, wal.ErrClosed) {
		return ErrReceiverStopped
	}
	return err
}

// allocated remembers which records batch t took: the blockSink hook.
func (w *writeAheadLog) allocated(_ string, t Time, from, to uint64) error {
	w.log.Allocated(int64(t), from, to)
	return nil
}

func encodeRange(from, to uint64) []byte { return wal.EncodeRange(from, to) }

// batchRecord is the range of record numbers batch t took.
func (w *writeAheadLog) batchRecord(t Time) ([]byte, error) {
	return wal.EncodeRange(w.log.Batch(int64(t))), nil
}

// rebuild reads batch t's records back from the log.
func (w *writeAheadLog) rebuild(t Time, rec []byte) (*RDD, int, error) {
	from, to, err := wal.DecodeRange(rec)
	if err != nil {
		return nil, 0, err
	}
	xs, _, err := w.log.Read(from, to)
	if err != nil {
		return nil, 0, err
	}
	if uint64(len(xs)) != to-from {
		return nil, 0, fmt.Errorf("the log in %s holds %d of the %d records [%d, %d) of the batch", w.log.Dir(), len(xs), to-from, from, to)
	}
	return w.ssc.Parallelize(xs), len(xs), nil
}

// position is the end of the records given to batches.
func (w *writeAheadLog) position() ([]byte, error) { return wal.EncodePosition(w.log.End()), nil }

// restorePosition hands the records stored after pos, which no batch took
// before the crash, back to the receiver for its next batch.
func (w *writeAheadLog) restorePosition(pos []byte) error {
	end, err := wal.DecodePosition(pos)
	if err != nil {
		return err
	}
	xs, _, err := w.log.Read(end, ^uint64(0))
	if err != nil {
		return err
	}
	w.log.SetEnd(end)
	w.src.restore(end, xs, nil)
	return nil
}

// read returns the logged records numbered [from, to), in order.
func (w *writeAheadLog) read(from, to uint64) ([]any, uint64, error) {
	xs, next, err := w.log.Read(from, to)
	next, err = corruptLog(next, err)
	return xs, next, err
}

// readSegment calls f with every entry of the segment file at path and
// returns the number after its last record; a torn tail is dropped, other
// damage is an error wrapping ErrCorruptLog (wal.ParseSegment).
func readSegment(path string, first uint64, f func(seq uint64, xs []any)) (uint64, error) {
	return corruptLog(wal.ReadSegment(path, first, decodeCkptElems, f))
}

func parseSegment(path string, data []byte, first uint64, f func(seq uint64, xs []any)) (uint64, error) {
	return corruptLog(wal.ParseSegment(path, data, first, decodeCkptElems, f))
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
	need := ^uint64(0)
	if end, err := wal.DecodePosition(position); err == nil {
		need = end
	}
	for _, b := range batches {
		if from, to, err := wal.DecodeRange(b.Data); err == nil && to > from {
			need = min(need, from)
		}
	}
	w.log.Release(need)
}

func (w *writeAheadLog) close() { w.log.Close() }
