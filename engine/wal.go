package engine

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// The write-ahead log of receiver input.
//
// When a context checkpoints, every receiver stream (SocketTextStream,
// ReceiverStream) logs what it stores before Store returns: records are
// appended to the log of their input, in checkpointDir/wal/input-<i>/, and
// synced to disk. Records are numbered in storing order (the receiver's
// sequence numbers). The metadata checkpoint remembers which numbers each
// batch took and where the allocated records end, so after a crash the
// batches that must be rebuilt read their records back from the log, and
// the records stored but not yet given to a batch go to the next one.
//
// The log is a series of segment files named by the number of their first
// record (%020d.log). A segment is a series of entries:
//
//	payload length (uint32) | CRC-32C of the payload (uint32) |
//	payload: first record number (uint64) | one element-codec frame
//
// all big-endian. A new segment starts after walSegmentSize bytes and at
// every start of the context, so a segment is never appended to after a
// crash: an entry cut short (never acknowledged, as Store had not returned)
// can only be the last of its segment. Segments whose records no batch or
// position needs any longer are deleted after every batch.

// walSegmentSize is the size after which the log starts a new segment.
var walSegmentSize int64 = 4 << 20

const walEntryHeader = 8

// writeAheadLog is the log of one receiver input. It is the receiver's
// blockSink, and rebuilds batches and the unallocated tail on recovery.
type writeAheadLog struct {
	dir string
	src *receiverSource
	ssc *StreamingContext

	mu       sync.Mutex
	f        *os.File
	w        *bufio.Writer
	size     int64
	segs     []uint64           // first record numbers of the segments on disk, ascending
	allocs   map[Time][2]uint64 // batches allocated but not yet recorded
	allocEnd uint64             // the end of the records given to batches
	closed   bool
}

// openWAL opens the log in dir for src; fresh empties it first (a context
// that does not recover starts numbering at 0 again).
func openWAL(dir string, ssc *StreamingContext, src *receiverSource, fresh bool) (*writeAheadLog, error) {
	if fresh {
		if err := os.RemoveAll(dir); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	w := &writeAheadLog{dir: dir, src: src, ssc: ssc, allocs: map[Time][2]uint64{}}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		name := e.Name()
		if !strings.HasSuffix(name, ".log") {
			continue
		}
		n, err := strconv.ParseUint(strings.TrimSuffix(name, ".log"), 10, 64)
		if err != nil {
			continue
		}
		w.segs = append(w.segs, n)
	}
	sort.Slice(w.segs, func(i, j int) bool { return w.segs[i] < w.segs[j] })
	return w, nil
}

func segName(first uint64) string { return fmt.Sprintf("%020d.log", first) }

// store appends records numbered from seq and syncs them: the blockSink
// hook, called before Store returns.
func (w *writeAheadLog) store(_ string, seq uint64, records []any) error {
	frame, err := encodeCkptElems(records)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrReceiverStopped
	}
	if w.f == nil || w.size >= walSegmentSize {
		if err := w.roll(seq); err != nil {
			return err
		}
	}
	var h [walEntryHeader + 8]byte
	binary.BigEndian.PutUint32(h[0:], uint32(8+len(frame)))
	binary.BigEndian.PutUint64(h[8:], seq)
	crc := crc32.Update(crc32.Checksum(h[8:], castagnoli), castagnoli, frame)
	binary.BigEndian.PutUint32(h[4:], crc)
	w.w.Write(h[:])
	w.w.Write(frame)
	if err := w.w.Flush(); err != nil {
		return err
	}
	if err := w.f.Sync(); err != nil {
		return err
	}
	w.size += int64(len(h) + len(frame))
	return nil
}

// roll starts a new segment whose first record is seq. Call with w.mu held.
func (w *writeAheadLog) roll(seq uint64) error {
	if w.f != nil {
		w.f.Close()
		w.f = nil
	}
	f, err := os.OpenFile(filepath.Join(w.dir, segName(seq)), os.O_CREATE|os.O_TRUNC|os.O_WRONLY, ckptFileMode)
	if err != nil {
		return err
	}
	if err := syncDir(w.dir); err != nil {
		f.Close()
		return err
	}
	if n := len(w.segs); n > 0 && w.segs[n-1] == seq {
		w.segs = w.segs[:n-1] // an empty segment left by the previous run
	}
	w.f, w.w, w.size = f, bufio.NewWriter(f), 0
	w.segs = append(w.segs, seq)
	return nil
}

// allocated remembers which records batch t took: the blockSink hook.
func (w *writeAheadLog) allocated(_ string, t Time, from, to uint64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.allocs[t] = [2]uint64{from, to}
	w.allocEnd = to
	return nil
}

func encodeRange(from, to uint64) []byte {
	b := binary.BigEndian.AppendUint64(nil, from)
	return binary.BigEndian.AppendUint64(b, to)
}

func decodeRange(b []byte) (from, to uint64, err error) {
	if len(b) != 16 {
		return 0, 0, fmt.Errorf("log range of %d bytes, want 16", len(b))
	}
	from, to = binary.BigEndian.Uint64(b), binary.BigEndian.Uint64(b[8:])
	if from > to {
		return 0, 0, fmt.Errorf("log range [%d, %d) runs backwards", from, to)
	}
	return from, to, nil
}

// batchRecord is the range of record numbers batch t took.
func (w *writeAheadLog) batchRecord(t Time) ([]byte, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	r, ok := w.allocs[t]
	if !ok {
		r = [2]uint64{w.allocEnd, w.allocEnd}
	}
	delete(w.allocs, t)
	return encodeRange(r[0], r[1]), nil
}

// rebuild reads batch t's records back from the log.
func (w *writeAheadLog) rebuild(t Time, rec []byte) (*RDD, int, error) {
	from, to, err := decodeRange(rec)
	if err != nil {
		return nil, 0, err
	}
	xs, _, err := w.read(from, to)
	if err != nil {
		return nil, 0, err
	}
	if uint64(len(xs)) != to-from {
		return nil, 0, fmt.Errorf("the log in %s holds %d of the %d records [%d, %d) of the batch", w.dir, len(xs), to-from, from, to)
	}
	return w.ssc.Parallelize(xs), len(xs), nil
}

// position is the end of the records given to batches.
func (w *writeAheadLog) position() ([]byte, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return binary.BigEndian.AppendUint64(nil, w.allocEnd), nil
}

// restorePosition hands the records stored after pos, which no batch took
// before the crash, back to the receiver for its next batch.
func (w *writeAheadLog) restorePosition(pos []byte) error {
	if len(pos) != 8 {
		return fmt.Errorf("log position of %d bytes, want 8", len(pos))
	}
	end := binary.BigEndian.Uint64(pos)
	xs, _, err := w.read(end, ^uint64(0))
	if err != nil {
		return err
	}
	w.mu.Lock()
	w.allocEnd = end
	w.mu.Unlock()
	w.src.restore(end, xs, nil)
	return nil
}

// read returns the logged records numbered [from, to), in order, and the
// number after the last record of the last segment it read.
func (w *writeAheadLog) read(from, to uint64) ([]any, uint64, error) {
	w.mu.Lock()
	segs := append([]uint64(nil), w.segs...)
	w.mu.Unlock()
	var out []any
	next, started := uint64(0), false
	for i, first := range segs {
		if i+1 < len(segs) && segs[i+1] <= from {
			continue // every record of this segment comes before from
		}
		if started && first != next {
			return nil, 0, fmt.Errorf("log %s: records [%d, %d) are missing before segment %s", w.dir, next, first, segName(first))
		}
		if first >= to {
			break
		}
		end, err := readSegment(filepath.Join(w.dir, segName(first)), first, func(seq uint64, xs []any) {
			for j, x := range xs {
				if n := seq + uint64(j); n >= from && n < to {
					out = append(out, x)
				}
			}
		})
		if err != nil {
			return nil, 0, err
		}
		next, started = end, true
	}
	return out, next, nil
}

// readSegment calls f with every entry of the segment file at path and
// returns the number after its last record. An entry cut short or failing
// its checksum at the end of the segment is a torn tail: it was being
// written when the process died, so its Store never returned, and it is
// dropped. A bad entry followed by valid ones is corruption, an error (see
// parseSegment).
func readSegment(path string, first uint64, f func(seq uint64, xs []any)) (uint64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return parseSegment(path, data, first, f)
}

func parseSegment(path string, data []byte, first uint64, f func(seq uint64, xs []any)) (uint64, error) {
	next := first
	off := 0
	for len(data)-off >= walEntryHeader {
		rest := data[off:]
		n := binary.BigEndian.Uint32(rest)
		crc := binary.BigEndian.Uint32(rest[4:])
		if n < 8 || uint64(n) > uint64(len(rest)-walEntryHeader) {
			return next, tornOrCorrupt(path, data, off, "a bad entry length")
		}
		payload := rest[walEntryHeader : walEntryHeader+int(n)]
		if crc32.Checksum(payload, castagnoli) != crc {
			return next, tornOrCorrupt(path, data, off, "an entry failing its checksum")
		}
		seq := binary.BigEndian.Uint64(payload)
		if seq != next {
			return 0, fmt.Errorf("log %s: an entry numbered %d where %d was expected", path, seq, next)
		}
		xs, err := decodeCkptElems(payload[8:])
		if err != nil {
			return 0, fmt.Errorf("log %s: entry %d: %w", path, seq, err)
		}
		f(seq, xs)
		next = seq + uint64(len(xs))
		off += walEntryHeader + int(n)
	}
	return next, nil
}

// ErrCorruptLog marks a write-ahead log segment damaged other than at its
// end: records acknowledged to their receiver would be lost. Errors wrapping
// it also match ErrBadCheckpoint.
var ErrCorruptLog = errors.New("engine: corrupt write-ahead log")

// tornOrCorrupt tells a torn tail from corruption for the bad entry at off
// of a segment: a torn tail (nil) has no valid entry after it, since an entry
// cut short by a crash can only be the last of its segment. A valid entry
// further on means the bad one was complete and acknowledged, and was
// damaged since: an error naming the segment and offset.
func tornOrCorrupt(path string, data []byte, off int, what string) error {
	for p := off + 1; p+walEntryHeader+8 <= len(data); p++ {
		n := binary.BigEndian.Uint32(data[p:])
		if n < 8 || uint64(n) > uint64(len(data)-p-walEntryHeader) {
			continue
		}
		payload := data[p+walEntryHeader : p+walEntryHeader+int(n)]
		if crc32.Checksum(payload, castagnoli) == binary.BigEndian.Uint32(data[p+4:]) {
			return fmt.Errorf("log %s: %s at offset %d, followed by a valid entry at offset %d: the segment is corrupt, not cut short by a crash, and its records from offset %d on would be lost: %w",
				path, what, off, p, off, errors.Join(ErrCorruptLog, ErrBadCheckpoint))
		}
	}
	return nil
}

// release deletes the segments holding only records that no kept batch and
// no position needs.
func (w *writeAheadLog) release(batches []ckptBatch, position []byte) {
	need := ^uint64(0)
	if len(position) == 8 {
		need = binary.BigEndian.Uint64(position)
	}
	for _, b := range batches {
		if from, to, err := decodeRange(b.Data); err == nil && to > from {
			need = min(need, from)
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	k := 0
	for k+1 < len(w.segs) && w.segs[k+1] <= need {
		os.Remove(filepath.Join(w.dir, segName(w.segs[k])))
		k++
	}
	w.segs = w.segs[k:]
}

func (w *writeAheadLog) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	if w.f != nil {
		w.f.Close()
		w.f = nil
	}
}
