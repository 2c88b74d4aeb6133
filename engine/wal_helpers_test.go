package engine

import (
	"github.com/gostream/gostream/engine/internal/source/receiver"
	"github.com/gostream/gostream/engine/internal/wal"
)

// What the tests read and write of a log directly.

func segName(first uint64) string { return wal.SegName(first) }

func encodeRange(from, to uint64) []byte { return wal.EncodeRange(from, to) }

// testWAL is a receiver's write-ahead log, opened alone.
type testWAL struct{ log *receiver.Log }

// openWAL opens the log in dir as a checkpointed context's receiver does;
// fresh empties it first.
func openWAL(dir string, _ *StreamingContext, _ *receiverSource, fresh bool) (*testWAL, error) {
	l, err := receiver.OpenLog(dir, fresh, wal.Options{SegmentSize: walSegmentSize, Encode: encodeCkptElems, Decode: decodeCkptElems})
	if err != nil {
		return nil, err
	}
	return &testWAL{l}, nil
}

// store appends records numbered from seq and syncs them, as the receiver's
// sink does.
func (w *testWAL) store(_ string, seq uint64, records []any) error {
	return storeErr("", w.log.Store(seq, records))
}

// read returns the logged records numbered [from, to), in order, with the
// errors recovery would see.
func (w *testWAL) read(from, to uint64) ([]any, uint64, error) {
	xs, next, err := w.log.Read(from, to)
	return xs, next, corruptLog(err)
}

// release and close are the log's as the checkpointer calls them.
func (w *testWAL) release(batches []ckptBatch, position []byte) {
	w.log.Checkpoint(nil, corruptLog, nil).Release(batches, position)
}

func (w *testWAL) close() { w.log.Close() }

// readSegment calls f with every entry of the segment file at path and
// returns the number after its last record; a torn tail is dropped, other
// damage is an error wrapping ErrCorruptLog (wal.ParseSegment).
func readSegment(path string, first uint64, f func(seq uint64, xs []any)) (uint64, error) {
	next, err := wal.ReadSegment(path, first, decodeCkptElems, f)
	return next, corruptLog(err)
}

func parseSegment(path string, data []byte, first uint64, f func(seq uint64, xs []any)) (uint64, error) {
	next, err := wal.ParseSegment(path, data, first, decodeCkptElems, f)
	return next, corruptLog(err)
}
