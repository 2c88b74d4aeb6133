package engine

import "github.com/gostream/gostream/engine/internal/wal"

// What the tests read and write of a log directly.

func segName(first uint64) string { return wal.SegName(first) }

func encodeRange(from, to uint64) []byte { return wal.EncodeRange(from, to) }

// store appends records numbered from seq and syncs them, as the receiver's
// sink does.
func (w *writeAheadLog) store(_ string, seq uint64, records []any) error {
	return storeErr("", w.log.Store(seq, records))
}

// read returns the logged records numbered [from, to), in order, with the
// errors recovery would see.
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
