package wal

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

// ErrClosed is returned by Append after Close.
var ErrClosed = errors.New("wal: the log is closed")

// ErrCorrupt marks a segment damaged other than at its end: a bad entry
// followed by a valid one, so records that were acknowledged would be lost.
var ErrCorrupt = errors.New("wal: corrupt segment")

// FileMode is the permission of segment files: they hold the stream's data,
// as the checkpoint files beside them do.
const FileMode = 0o600

const entryHeader = 8

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Options are what a log needs from its user.
type Options struct {
	// SegmentSize is the size after which the log starts a new segment.
	SegmentSize int64
	// Encode turns records into one element-codec frame, Decode back.
	Encode func(records []any) ([]byte, error)
	Decode func(frame []byte) ([]any, error)
}

// Log is the write-ahead log in one directory. It is safe for concurrent use.
type Log struct {
	dir string
	opt Options

	mu       sync.Mutex
	f        *os.File
	w        *bufio.Writer
	size     int64
	segs     []uint64            // first record numbers of the segments on disk, ascending
	allocs   map[int64][2]uint64 // batches allocated but not yet recorded
	allocEnd uint64              // the end of the records given to batches
	closed   bool
}

// Open opens the log in dir; fresh empties it first (a context that does
// not recover starts numbering at 0 again).
func Open(dir string, fresh bool, opt Options) (*Log, error) {
	if fresh {
		if err := os.RemoveAll(dir); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	l := &Log{dir: dir, opt: opt, allocs: map[int64][2]uint64{}}
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
		l.segs = append(l.segs, n)
	}
	sort.Slice(l.segs, func(i, j int) bool { return l.segs[i] < l.segs[j] })
	return l, nil
}

// Dir is the log's directory.
func (l *Log) Dir() string { return l.dir }

// SegName is the file name of the segment whose first record is first.
func SegName(first uint64) string { return fmt.Sprintf("%020d.log", first) }

// Segments returns the first record numbers of the segments on disk.
func (l *Log) Segments() []uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]uint64(nil), l.segs...)
}

// Append appends records numbered from seq and syncs them.
func (l *Log) Append(seq uint64, records []any) error {
	frame, err := l.opt.Encode(records)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return ErrClosed
	}
	if l.f == nil || l.size >= l.opt.SegmentSize {
		if err := l.roll(seq); err != nil {
			return err
		}
	}
	var h [entryHeader + 8]byte
	binary.BigEndian.PutUint32(h[0:], uint32(8+len(frame)))
	binary.BigEndian.PutUint64(h[8:], seq)
	crc := crc32.Update(crc32.Checksum(h[8:], castagnoli), castagnoli, frame)
	binary.BigEndian.PutUint32(h[4:], crc)
	l.w.Write(h[:])
	l.w.Write(frame)
	if err := l.w.Flush(); err != nil {
		return err
	}
	if err := l.f.Sync(); err != nil {
		return err
	}
	l.size += int64(len(h) + len(frame))
	return nil
}

// roll starts a new segment whose first record is seq. Call with l.mu held.
func (l *Log) roll(seq uint64) error {
	if l.f != nil {
		l.f.Close()
		l.f = nil
	}
	f, err := os.OpenFile(filepath.Join(l.dir, SegName(seq)), os.O_CREATE|os.O_TRUNC|os.O_WRONLY, FileMode)
	if err != nil {
		return err
	}
	if err := SyncDir(l.dir); err != nil {
		f.Close()
		return err
	}
	if n := len(l.segs); n > 0 && l.segs[n-1] == seq {
		l.segs = l.segs[:n-1] // an empty segment left by the previous run
	}
	l.f, l.w, l.size = f, bufio.NewWriter(f), 0
	l.segs = append(l.segs, seq)
	return nil
}

// Allocated remembers that records [from, to) are the input of batch t.
func (l *Log) Allocated(t int64, from, to uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.allocs[t] = [2]uint64{from, to}
	l.allocEnd = to
}

// Batch returns, and forgets, the records batch t took: an empty range at
// the end of the allocated records when it took none.
func (l *Log) Batch(t int64) (from, to uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r, ok := l.allocs[t]
	if !ok {
		r = [2]uint64{l.allocEnd, l.allocEnd}
	}
	delete(l.allocs, t)
	return r[0], r[1]
}

// End is the end of the records given to batches.
func (l *Log) End() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.allocEnd
}

// SetEnd sets the end of the records given to batches, on recovery.
func (l *Log) SetEnd(end uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.allocEnd = end
}

// EncodeRange and DecodeRange are the checkpoint's record of a batch's
// records: [from, to) as two big-endian uint64s.
func EncodeRange(from, to uint64) []byte {
	b := binary.BigEndian.AppendUint64(nil, from)
	return binary.BigEndian.AppendUint64(b, to)
}

// DecodeRange decodes what EncodeRange encoded.
func DecodeRange(b []byte) (from, to uint64, err error) {
	if len(b) != 16 {
		return 0, 0, fmt.Errorf("log range of %d bytes, want 16", len(b))
	}
	from, to = binary.BigEndian.Uint64(b), binary.BigEndian.Uint64(b[8:])
	if from > to {
		return 0, 0, fmt.Errorf("log range [%d, %d) runs backwards", from, to)
	}
	return from, to, nil
}

// EncodePosition and DecodePosition are the checkpoint's record of End.
func EncodePosition(end uint64) []byte { return binary.BigEndian.AppendUint64(nil, end) }

// DecodePosition decodes what EncodePosition encoded.
func DecodePosition(b []byte) (uint64, error) {
	if len(b) != 8 {
		return 0, fmt.Errorf("log position of %d bytes, want 8", len(b))
	}
	return binary.BigEndian.Uint64(b), nil
}

// Read returns the logged records numbered [from, to), in order, and the
// number after the last record of the last segment it read.
func (l *Log) Read(from, to uint64) ([]any, uint64, error) {
	segs := l.Segments()
	var out []any
	next, started := uint64(0), false
	for i, first := range segs {
		if i+1 < len(segs) && segs[i+1] <= from {
			continue // every record of this segment comes before from
		}
		if started && first != next {
			return nil, 0, fmt.Errorf("log %s: records [%d, %d) are missing before segment %s", l.dir, next, first, SegName(first))
		}
		if first >= to {
			break
		}
		end, err := ReadSegment(filepath.Join(l.dir, SegName(first)), first, l.opt.Decode, func(seq uint64, xs []any) {
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

// ReadSegment calls f with every entry of the segment file at path and
// returns the number after its last record. An entry cut short or failing
// its checksum ends the segment: it was being written when the process
// died, so its Store never returned.
func ReadSegment(path string, first uint64, decode func([]byte) ([]any, error), f func(seq uint64, xs []any)) (uint64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return ParseSegment(path, data, first, decode, f)
}

// ParseSegment is ReadSegment on the segment's bytes; it never panics. An
// entry cut short or failing its checksum at the end of the segment is a
// torn tail: it was being written when the process died, so its Append
// never returned, and it is dropped. A bad entry followed by a valid one is
// corruption: an error wrapping ErrCorrupt that names the segment and offset.
func ParseSegment(path string, data []byte, first uint64, decode func([]byte) ([]any, error), f func(seq uint64, xs []any)) (uint64, error) {
	next := first
	off := 0
	for len(data)-off >= entryHeader {
		rest := data[off:]
		n := binary.BigEndian.Uint32(rest)
		crc := binary.BigEndian.Uint32(rest[4:])
		if n < 8 || uint64(n) > uint64(len(rest)-entryHeader) {
			return next, tornOrCorrupt(path, data, off, "a bad entry length")
		}
		payload := rest[entryHeader : entryHeader+int(n)]
		if crc32.Checksum(payload, castagnoli) != crc {
			return next, tornOrCorrupt(path, data, off, "an entry failing its checksum")
		}
		seq := binary.BigEndian.Uint64(payload)
		if seq != next {
			return 0, fmt.Errorf("log %s: an entry numbered %d where %d was expected", path, seq, next)
		}
		xs, err := decode(payload[8:])
		if err != nil {
			return 0, fmt.Errorf("log %s: entry %d: %w", path, seq, err)
		}
		f(seq, xs)
		next = seq + uint64(len(xs))
		off += entryHeader + int(n)
	}
	return next, nil
}

// tornOrCorrupt tells a torn tail from corruption for the bad entry at off
// of a segment: a torn tail (nil) has no valid entry after it, since an entry
// cut short by a crash can only be the last of its segment. A valid entry
// further on means the bad one was complete and acknowledged, and was
// damaged since.
func tornOrCorrupt(path string, data []byte, off int, what string) error {
	for p := off + 1; p+entryHeader+8 <= len(data); p++ {
		n := binary.BigEndian.Uint32(data[p:])
		if n < 8 || uint64(n) > uint64(len(data)-p-entryHeader) {
			continue
		}
		payload := data[p+entryHeader : p+entryHeader+int(n)]
		if crc32.Checksum(payload, castagnoli) == binary.BigEndian.Uint32(data[p+4:]) {
			return fmt.Errorf("log %s: %s at offset %d, followed by a valid entry at offset %d: the segment is corrupt, not cut short by a crash, and its records from offset %d on would be lost: %w",
				path, what, off, p, off, ErrCorrupt)
		}
	}
	return nil
}

// Release deletes the segments holding only records before need.
func (l *Log) Release(need uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := 0
	for k+1 < len(l.segs) && l.segs[k+1] <= need {
		os.Remove(filepath.Join(l.dir, SegName(l.segs[k])))
		k++
	}
	l.segs = l.segs[k:]
}

// Close closes the log; later appends return ErrClosed.
func (l *Log) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	if l.f != nil {
		l.f.Close()
		l.f = nil
	}
}

// SyncDir syncs a directory, so that files created or renamed in it stay
// after a crash.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
