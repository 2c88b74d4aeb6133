package checkpoint

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The frame of every checkpoint file.
const (
	Magic      = "GSCK"
	Version    = 2 // the version written; readers take MinVersion to Version
	MinVersion = 1 // version 1 had no delta state files
	KindMeta   = 'M'
	KindState  = 'S'
	HeaderLen  = 4 + 2 + 1 + 8
	TrailerLen = 4
	Keep       = 3 // metadata files kept; older ones are deleted
	MetaPrefix = "checkpoint-"
	StatePre   = "state-"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Meta is the metadata checkpoint.
type Meta struct {
	App       string     `json:"app"`
	Master    string     `json:"master"`
	BatchMS   int64      `json:"batch_ms"`
	Graph     []string   `json:"graph"`
	Zero      int64      `json:"zero"`
	Completed int64      `json:"completed"` // the last completed batch; Zero when none
	Pending   []int64    `json:"pending"`   // generated, not completed, in order
	Inputs    []Input    `json:"inputs"`
	States    []StateRef `json:"states"`
	Written   time.Time  `json:"written"`
}

// Input is what one input stream must remember.
type Input struct {
	Stream   int     `json:"stream"`
	Op       string  `json:"op"`
	Position []byte  `json:"position,omitempty"` // the source's own record of where it is
	Batches  []Batch `json:"batches"`            // batches recovery may have to rebuild
}

// Batch is what an input handed to one batch: Data is the source's record
// of it (nil when the source can rebuild the batch from its time).
type Batch struct {
	Time    int64  `json:"time"`
	Records int    `json:"records"`
	Data    []byte `json:"data,omitempty"`
}

// StateRef names the state files of a stateful stream: a full snapshot
// and the deltas chained on it, oldest first; Time is the batch of the last.
type StateRef struct {
	Stream int      `json:"stream"`
	Time   int64    `json:"time"`
	File   string   `json:"file"`
	Deltas []string `json:"deltas,omitempty"`
}

// Files are the state files r refers to.
func (r StateRef) Files() []string { return append([]string{r.File}, r.Deltas...) }

// State is a state file's payload. A full snapshot holds every element of
// the state in Parts and the window batches WindowTimes lists in
// WindowParts. A delta (Delta set) holds in Parts the elements that changed
// since the previous file of its chain, in Removed the keys that went, and
// in WindowParts the window batches of WindowNew; WindowTimes still lists
// every window batch the state keeps, the others coming from earlier files
// of the chain.
type State struct {
	Stream      int        `json:"stream"`
	Op          string     `json:"op"`
	Time        int64      `json:"time"`
	Parts       [][]byte   `json:"parts"`
	WindowTimes []int64    `json:"window_times,omitempty"`
	WindowParts [][][]byte `json:"window_parts,omitempty"`
	Delta       bool       `json:"delta,omitempty"`
	Base        string     `json:"base,omitempty"` // a delta's full snapshot
	Removed     [][]byte   `json:"removed,omitempty"`
	WindowNew   []int64    `json:"window_new,omitempty"`
}

// ms renders a batch time as the engine prints one.
func ms(t int64) string { return strconv.FormatInt(t, 10) + " ms" }

// Frame wraps payload in the checkpoint frame.
func Frame(kind byte, payload []byte) []byte {
	b := make([]byte, 0, HeaderLen+len(payload)+TrailerLen)
	b = append(b, Magic...)
	b = binary.BigEndian.AppendUint16(b, Version)
	b = append(b, kind)
	b = binary.BigEndian.AppendUint64(b, uint64(len(payload)))
	b = append(b, payload...)
	return binary.BigEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// Unframe checks the frame of data and returns its payload; the error says
// what is wrong with it.
func Unframe(kind byte, data []byte) ([]byte, error) {
	if len(data) < len(Magic) || string(data[:len(Magic)]) != Magic {
		if len(data) == 0 {
			return nil, errors.New("empty file")
		}
		return nil, errors.New("not a gostream checkpoint file (bad magic number)")
	}
	if len(data) < HeaderLen {
		return nil, fmt.Errorf("truncated: %d bytes, shorter than the %d-byte header", len(data), HeaderLen)
	}
	if v := binary.BigEndian.Uint16(data[4:]); v < MinVersion || v > Version {
		return nil, fmt.Errorf("format version %d, this gostream reads versions %d to %d", v, MinVersion, Version)
	}
	if k := data[6]; k != kind {
		return nil, fmt.Errorf("a %s file where a %s file was expected", kindName(k), kindName(kind))
	}
	n := binary.BigEndian.Uint64(data[7:])
	have := uint64(len(data) - HeaderLen)
	if n > have || have-n < TrailerLen {
		return nil, fmt.Errorf("truncated: the header announces %d payload bytes and a 4-byte checksum, the file has %d bytes after the header", n, have)
	}
	if have-n > TrailerLen {
		return nil, fmt.Errorf("corrupt: %d unexpected bytes after the checksum", have-n-TrailerLen)
	}
	end := HeaderLen + int(n)
	want := binary.BigEndian.Uint32(data[end:])
	if got := crc32.Checksum(data[:end], castagnoli); got != want {
		return nil, fmt.Errorf("corrupt: checksum mismatch (stored %08x, computed %08x)", want, got)
	}
	return data[HeaderLen:end], nil
}

func kindName(k byte) string {
	switch k {
	case KindMeta:
		return "metadata checkpoint"
	case KindState:
		return "state checkpoint"
	}
	return fmt.Sprintf("unknown kind (%q)", k)
}

// DecodeMeta decodes and validates a metadata checkpoint file.
func DecodeMeta(data []byte) (*Meta, error) {
	payload, err := Unframe(KindMeta, data)
	if err != nil {
		return nil, err
	}
	var m Meta
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("corrupt metadata: %v", err)
	}
	if m.BatchMS <= 0 {
		return nil, fmt.Errorf("corrupt metadata: batch interval %d ms", m.BatchMS)
	}
	if m.Completed < m.Zero || (m.Completed-m.Zero)%m.BatchMS != 0 {
		return nil, fmt.Errorf("corrupt metadata: last completed batch %s is not a batch time after the zero time %s", ms(m.Completed), ms(m.Zero))
	}
	for i, t := range m.Pending {
		if t <= m.Zero || (i > 0 && t <= m.Pending[i-1]) {
			return nil, fmt.Errorf("corrupt metadata: pending batch times %v are not increasing batch times", msList(m.Pending))
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
		for _, f := range s.Files() {
			if f != filepath.Base(f) || !strings.HasPrefix(f, StatePre) {
				return nil, fmt.Errorf("corrupt metadata: state file name %q", f)
			}
		}
	}
	return &m, nil
}

// msList renders times as fmt renders a slice of the engine's times.
func msList(ts []int64) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = ms(t)
	}
	return "[" + strings.Join(s, " ") + "]"
}

// EncodeMeta encodes a metadata checkpoint file.
func EncodeMeta(m *Meta) ([]byte, error) {
	payload, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return Frame(KindMeta, payload), nil
}

// ResumeTime is the first batch time to generate after the checkpoint's.
func (m *Meta) ResumeTime() int64 {
	last := m.Completed
	if n := len(m.Pending); n > 0 {
		last = max(last, m.Pending[n-1])
	}
	return last + m.BatchMS
}

// DecodeState decodes a state file into its partitions, each decoded with
// decode.
func DecodeState(data []byte, decode func([]byte) ([]any, error)) (st *State, parts [][]any, winParts [][][]any, err error) {
	payload, err := Unframe(KindState, data)
	if err != nil {
		return nil, nil, nil, err
	}
	var s State
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, nil, nil, fmt.Errorf("corrupt state: %v", err)
	}
	wt := s.WindowTimes
	if s.Delta {
		wt = s.WindowNew
	}
	if len(wt) != len(s.WindowParts) {
		return nil, nil, nil, fmt.Errorf("corrupt state: %d window batch times for %d window batches", len(wt), len(s.WindowParts))
	}
	if s.Delta && len(s.Removed) != len(s.Parts) {
		return nil, nil, nil, fmt.Errorf("corrupt state: a delta of %d partitions with removed keys for %d", len(s.Parts), len(s.Removed))
	}
	parts, err = DecodeParts(s.Parts, decode)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, wp := range s.WindowParts {
		p, err := DecodeParts(wp, decode)
		if err != nil {
			return nil, nil, nil, err
		}
		winParts = append(winParts, p)
	}
	return &s, parts, winParts, nil
}

// DecodeParts decodes encoded partitions of state.
func DecodeParts(enc [][]byte, decode func([]byte) ([]any, error)) ([][]any, error) {
	parts := make([][]any, len(enc))
	for i, b := range enc {
		xs, err := decode(b)
		if err != nil {
			return nil, fmt.Errorf("corrupt state: partition %d: %v", i, err)
		}
		parts[i] = xs
	}
	return parts, nil
}

// EncodeParts encodes partitions of state; op names the stream in errors.
func EncodeParts(op string, parts [][]any, encode func([]any) ([]byte, error)) ([][]byte, error) {
	out := make([][]byte, len(parts))
	for i, p := range parts {
		b, err := encode(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", op, err)
		}
		out[i] = b
	}
	return out, nil
}

// MetaName is the file name of metadata checkpoint seq.
func MetaName(seq uint64) string { return fmt.Sprintf("%s%012d", MetaPrefix, seq) }

// StateName is the file name of stream's state at t: a full snapshot, or
// a delta when delta is set.
func StateName(stream int, t int64, delta bool) string {
	if delta {
		return fmt.Sprintf("%s%d-%d.delta", StatePre, stream, t)
	}
	return fmt.Sprintf("%s%d-%d", StatePre, stream, t)
}
