package engine

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Checkpoint files.
//
// A checkpoint directory holds
//
//	checkpoint-<seq>          metadata: the graph's fingerprint, the zero time,
//	                          the last completed batch, the batches generated
//	                          but not completed, what each input handed to the
//	                          batches still needed for recovery, source
//	                          positions, and which state files hold the state
//	state-<stream>-<time>     a stateful stream's state at a batch time
//	wal/input-<i>/<seq>.log   the write-ahead log of receiver input i
//
// Every checkpoint and state file has the same frame:
//
//	"GSCK" | format version (uint16) | kind ('M' or 'S') |
//	payload length (uint64) | payload | CRC-32C of all that precedes (uint32)
//
// all integers big-endian. Metadata payloads are JSON; state payloads are
// JSON whose partitions are frames of the element codec (codec.go). Files are written to a temporary name, synced, renamed
// into place and the directory synced, so a crash leaves either the old
// file or the new one, never half of one.

const (
	ckptMagic      = "GSCK"
	ckptVersion    = 1
	ckptKindMeta   = 'M'
	ckptKindState  = 'S'
	ckptHeaderLen  = 4 + 2 + 1 + 8
	ckptTrailerLen = 4
	ckptKeep       = 3 // metadata files kept; older ones are deleted
	ckptMetaPrefix = "checkpoint-"
	ckptStatePre   = "state-"
)

// ErrBadCheckpoint marks errors about checkpoint files that are corrupt,
// truncated, of an unknown version or from a different graph; test with
// errors.Is.
var ErrBadCheckpoint = errors.New("engine: bad checkpoint")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ckptMeta is the metadata checkpoint.
type ckptMeta struct {
	App       string         `json:"app"`
	Master    string         `json:"master"`
	BatchMS   int64          `json:"batch_ms"`
	Graph     []string       `json:"graph"`
	Zero      Time           `json:"zero"`
	Completed Time           `json:"completed"` // the last completed batch; Zero when none
	Pending   []Time         `json:"pending"`   // generated, not completed, in order
	Inputs    []ckptInput    `json:"inputs"`
	States    []ckptStateRef `json:"states"`
	Written   time.Time      `json:"written"`
}

// ckptInput is what one input stream must remember.
type ckptInput struct {
	Stream   int         `json:"stream"`
	Op       string      `json:"op"`
	Position []byte      `json:"position,omitempty"` // the source's own record of where it is
	Batches  []ckptBatch `json:"batches"`            // batches recovery may have to rebuild
}

// ckptBatch is what an input handed to one batch: Data is the source's
// record of it (nil when the source can rebuild the batch from its time).
type ckptBatch struct {
	Time    Time   `json:"time"`
	Records int    `json:"records"`
	Data    []byte `json:"data,omitempty"`
}

// ckptStateRef names the state file of a stateful stream.
type ckptStateRef struct {
	Stream int    `json:"stream"`
	Time   Time   `json:"time"`
	File   string `json:"file"`
}

// ckptState is a state file's payload.
type ckptState struct {
	Stream      int        `json:"stream"`
	Op          string     `json:"op"`
	Time        Time       `json:"time"`
	Parts       [][]byte   `json:"parts"`
	WindowTimes []Time     `json:"window_times,omitempty"`
	WindowParts [][][]byte `json:"window_parts,omitempty"`
}

// frameCheckpoint wraps payload in the checkpoint frame.
func frameCheckpoint(kind byte, payload []byte) []byte {
	b := make([]byte, 0, ckptHeaderLen+len(payload)+ckptTrailerLen)
	b = append(b, ckptMagic...)
	b = binary.BigEndian.AppendUint16(b, ckptVersion)
	b = append(b, kind)
	b = binary.BigEndian.AppendUint64(b, uint64(len(payload)))
	b = append(b, payload...)
	return binary.BigEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// unframeCheckpoint checks the frame of data and returns its payload; the
// error says what is wrong with it.
func unframeCheckpoint(kind byte, data []byte) ([]byte, error) {
	if len(data) < len(ckptMagic) || string(data[:len(ckptMagic)]) != ckptMagic {
		if len(data) == 0 {
			return nil, errors.New("empty file")
		}
		return nil, errors.New("not a gostream checkpoint file (bad magic number)")
	}
	if len(data) < ckptHeaderLen {
		return nil, fmt.Errorf("truncated: %d bytes, shorter than the %d-byte header", len(data), ckptHeaderLen)
	}
	if v := binary.BigEndian.Uint16(data[4:]); v != ckptVersion {
		return nil, fmt.Errorf("format version %d, this gostream reads version %d", v, ckptVersion)
	}
	if k := data[6]; k != kind {
		return nil, fmt.Errorf("a %s file where a %s file was expected", kindName(k), kindName(kind))
	}
	n := binary.BigEndian.Uint64(data[7:])
	have := uint64(len(data) - ckptHeaderLen)
	if n > have || have-n < ckptTrailerLen {
		return nil, fmt.Errorf("truncated: the header announces %d payload bytes and a 4-byte checksum, the file has %d bytes after the header", n, have)
	}
	if have-n > ckptTrailerLen {
		return nil, fmt.Errorf("corrupt: %d unexpected bytes after the checksum", have-n-ckptTrailerLen)
	}
	end := ckptHeaderLen + int(n)
	want := binary.BigEndian.Uint32(data[end:])
	if got := crc32.Checksum(data[:end], castagnoli); got != want {
		return nil, fmt.Errorf("corrupt: checksum mismatch (stored %08x, computed %08x)", want, got)
	}
	return data[ckptHeaderLen:end], nil
}

func kindName(k byte) string {
	switch k {
	case ckptKindMeta:
		return "metadata checkpoint"
	case ckptKindState:
		return "state checkpoint"
	}
	return fmt.Sprintf("unknown kind (%q)", k)
}

// decodeMeta decodes and validates a metadata checkpoint file.
func decodeMeta(data []byte) (*ckptMeta, error) {
	payload, err := unframeCheckpoint(ckptKindMeta, data)
	if err != nil {
		return nil, err
	}
	var m ckptMeta
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("corrupt metadata: %v", err)
	}
	if m.BatchMS <= 0 {
		return nil, fmt.Errorf("corrupt metadata: batch interval %d ms", m.BatchMS)
	}
	if m.Completed < m.Zero || !(m.Completed - m.Zero).IsMultipleOf(time.Duration(m.BatchMS)*time.Millisecond) {
		return nil, fmt.Errorf("corrupt metadata: last completed batch %s is not a batch time after the zero time %s", m.Completed, m.Zero)
	}
	for i, t := range m.Pending {
		if t <= m.Zero || (i > 0 && t <= m.Pending[i-1]) {
			return nil, fmt.Errorf("corrupt metadata: pending batch times %v are not increasing batch times", m.Pending)
		}
	}
	for _, in := range m.Inputs {
		if in.Stream < 0 || in.Stream >= len(m.Graph) {
			return nil, fmt.Errorf("corrupt metadata: input stream %d outside the graph of %d streams", in.Stream, len(m.Graph))
		}
	}
	for _, s := range m.States {
		if s.Stream < 0 || s.Stream >= len(m.Graph) {
			return nil, fmt.Errorf("corrupt metadata: state of stream %d outside the graph of %d streams", s.Stream, len(m.Graph))
		}
		if s.File != filepath.Base(s.File) || !strings.HasPrefix(s.File, ckptStatePre) {
			return nil, fmt.Errorf("corrupt metadata: state file name %q", s.File)
		}
	}
	return &m, nil
}

func encodeMeta(m *ckptMeta) ([]byte, error) {
	payload, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return frameCheckpoint(ckptKindMeta, payload), nil
}

// decodeState decodes a state file into its partitions.
func decodeState(data []byte) (st *ckptState, parts [][]any, winParts [][][]any, err error) {
	payload, err := unframeCheckpoint(ckptKindState, data)
	if err != nil {
		return nil, nil, nil, err
	}
	var s ckptState
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, nil, nil, fmt.Errorf("corrupt state: %v", err)
	}
	if len(s.WindowTimes) != len(s.WindowParts) {
		return nil, nil, nil, fmt.Errorf("corrupt state: %d window batch times for %d window batches", len(s.WindowTimes), len(s.WindowParts))
	}
	parts, err = decodeParts(s.Parts)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, wp := range s.WindowParts {
		p, err := decodeParts(wp)
		if err != nil {
			return nil, nil, nil, err
		}
		winParts = append(winParts, p)
	}
	return &s, parts, winParts, nil
}

func decodeParts(enc [][]byte) ([][]any, error) {
	parts := make([][]any, len(enc))
	for i, b := range enc {
		xs, err := decodeCkptElems(b)
		if err != nil {
			return nil, fmt.Errorf("corrupt state: partition %d: %v", i, err)
		}
		parts[i] = xs
	}
	return parts, nil
}

func encodeParts(op string, parts [][]any) ([][]byte, error) {
	out := make([][]byte, len(parts))
	for i, p := range parts {
		b, err := encodeCkptElems(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", op, err)
		}
		out[i] = b
	}
	return out, nil
}

// writeFileAtomic writes data to dir/name: a temporary file, synced, renamed
// into place, and the directory synced.
func writeFileAtomic(dir, name string, data []byte) error {
	f, err := os.CreateTemp(dir, ".tmp-"+name+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, name))
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
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

// metaFiles returns the metadata checkpoint files in dir with their
// sequence numbers, oldest first.
func metaFiles(dir string) ([]string, []uint64, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	type mf struct {
		name string
		seq  uint64
	}
	var fs []mf
	for _, e := range ents {
		name := e.Name()
		if !strings.HasPrefix(name, ckptMetaPrefix) {
			continue
		}
		seq, err := strconv.ParseUint(name[len(ckptMetaPrefix):], 10, 64)
		if err != nil {
			continue
		}
		fs = append(fs, mf{name, seq})
	}
	sort.Slice(fs, func(i, j int) bool { return fs[i].seq < fs[j].seq })
	names := make([]string, len(fs))
	seqs := make([]uint64, len(fs))
	for i, f := range fs {
		names[i], seqs[i] = f.name, f.seq
	}
	return names, seqs, nil
}

func metaName(seq uint64) string { return fmt.Sprintf("%s%012d", ckptMetaPrefix, seq) }

func stateName(stream int, t Time) string {
	return fmt.Sprintf("%s%d-%d", ckptStatePre, stream, int64(t))
}

// readLatestCheckpoint returns the newest metadata checkpoint in dir and its
// path; nil when dir holds none (or does not exist).
func readLatestCheckpoint(dir string) (*ckptMeta, string, error) {
	names, _, err := metaFiles(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	if len(names) == 0 {
		return nil, "", orphanedCheckpoint(dir)
	}
	path := filepath.Join(dir, names[len(names)-1])
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, path, err
	}
	m, err := decodeMeta(data)
	return m, path, err
}

// ckptError is the *Error for a bad checkpoint file.
func ckptError(op, path string, err error) *Error {
	return &Error{Op: op, Msg: fmt.Sprintf("checkpoint %s: %v", path, err), Err: errors.Join(ErrBadCheckpoint, err)}
}

// encodeCkptElems encodes a partition of state or a log record with the
// element codec: one versioned, checksummed frame.
func encodeCkptElems(xs []any) ([]byte, error) {
	var b bytes.Buffer
	if err := encodeElems(&b, xs); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// decodeCkptElems decodes what encodeCkptElems encoded; it never panics.
func decodeCkptElems(b []byte) ([]any, error) {
	r := bytes.NewReader(b)
	xs, err := decodeElems(r)
	if err != nil {
		return nil, err
	}
	if r.Len() != 0 {
		return nil, fmt.Errorf("%d bytes after the encoded elements", r.Len())
	}
	return xs, nil
}
