package codec

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"reflect"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// ErrCorrupt marks data that is not a valid frame of the element codec:
// wrong magic, unknown version, a bad checksum, truncation or malformed CBOR.
var ErrCorrupt = errors.New("engine: corrupt encoded data")

const (
	magic   = "GSEL"
	version = 1
	// HeaderSize is the length of a frame's header.
	HeaderSize = 20
	// maxFrame bounds the payload length a header may declare.
	maxFrame = 1 << 40
)

// CBOR tag numbers of the element types that CBOR has no native form for.
const (
	cbTagBase     = 0x67730000 // "gs"
	cbTagInt8     = cbTagBase + 1
	cbTagInt16    = cbTagBase + 2
	cbTagInt32    = cbTagBase + 3
	cbTagInt64    = cbTagBase + 4
	cbTagUint     = cbTagBase + 5
	cbTagUint8    = cbTagBase + 6
	cbTagUint16   = cbTagBase + 7
	cbTagUint32   = cbTagBase + 8
	cbTagUint64   = cbTagBase + 9
	cbTagFloat32  = cbTagBase + 10
	cbTagTime     = cbTagBase + 11 // engine.Time
	cbTagPair     = cbTagBase + 12
	cbTagGoTime   = cbTagBase + 13 // time.Time, as its MarshalBinary bytes
	cbTagDuration = cbTagBase + 14 // time.Duration, nanoseconds
	cbTagStrings  = cbTagBase + 15 // []string
	cbTagInts     = cbTagBase + 16 // []int
	cbTagFloats   = cbTagBase + 17 // []float64
	cbTagMaxDepth = 200
)

// PairType is the caller's key-value element type: a struct of Key and Value.
type PairType interface{ ~struct{ Key, Value any } }

// TimeType is the caller's batch time type: milliseconds since the epoch.
type TimeType interface{ ~int64 }

// pair is the shape every PairType converts to and from.
type pair = struct{ Key, Value any }

// Codec encodes and decodes elements whose pairs are of type P and whose
// batch times are of type T. It is safe for concurrent use.
type Codec[P PairType, T TimeType] struct {
	// Unsupported makes the error for an element of a type the codec
	// cannot encode; typ is its Go type as fmt's %T shows it. Nil gives a
	// plain error.
	Unsupported func(typ string) error
}

func (c *Codec[P, T]) unsupported(x any) error {
	if c.Unsupported != nil {
		return c.Unsupported(typeName(x))
	}
	return fmt.Errorf("engine: cannot encode an element of type %s", typeName(x))
}

func typeName(v any) string {
	if v == nil {
		return "nil"
	}
	return reflect.TypeOf(v).String()
}

var (
	castagnoli = crc32.MakeTable(crc32.Castagnoli)
	cborEnc    cbor.EncMode
	cborDec    cbor.DecMode
)

func init() {
	var err error
	cborEnc, err = cbor.EncOptions{
		Sort:          cbor.SortCoreDeterministic, // maps encode the same every time
		NilContainers: cbor.NilContainerAsEmpty,
	}.EncMode()
	if err != nil {
		panic(err)
	}
	cborDec, err = cbor.DecOptions{
		MaxNestedLevels:  cbTagMaxDepth + 8,
		MaxArrayElements: math.MaxInt32,
		MaxMapPairs:      math.MaxInt32,
		UTF8:             cbor.UTF8DecodeInvalid, // Go strings may hold any bytes
		IntDec:           cbor.IntDecConvertNone,
	}.DecMode()
	if err != nil {
		panic(err)
	}
}

// toWire maps an element to the value the CBOR library encodes.
func (c *Codec[P, T]) toWire(x any, depth int) (any, error) {
	if depth > cbTagMaxDepth {
		return nil, fmt.Errorf("engine: element nested deeper than %d levels", cbTagMaxDepth)
	}
	switch v := x.(type) {
	case nil, bool, int, float64, string, []byte:
		return v, nil
	case int8:
		return cbor.Tag{Number: cbTagInt8, Content: v}, nil
	case int16:
		return cbor.Tag{Number: cbTagInt16, Content: v}, nil
	case int32:
		return cbor.Tag{Number: cbTagInt32, Content: v}, nil
	case int64:
		return cbor.Tag{Number: cbTagInt64, Content: v}, nil
	case uint:
		return cbor.Tag{Number: cbTagUint, Content: v}, nil
	case uint8:
		return cbor.Tag{Number: cbTagUint8, Content: v}, nil
	case uint16:
		return cbor.Tag{Number: cbTagUint16, Content: v}, nil
	case uint32:
		return cbor.Tag{Number: cbTagUint32, Content: v}, nil
	case uint64:
		return cbor.Tag{Number: cbTagUint64, Content: v}, nil
	case float32:
		return cbor.Tag{Number: cbTagFloat32, Content: v}, nil
	case T:
		return cbor.Tag{Number: cbTagTime, Content: int64(v)}, nil
	case time.Duration:
		return cbor.Tag{Number: cbTagDuration, Content: int64(v)}, nil
	case []string:
		return cbor.Tag{Number: cbTagStrings, Content: cbNonNil(v)}, nil
	case []int:
		return cbor.Tag{Number: cbTagInts, Content: cbNonNil(v)}, nil
	case []float64:
		return cbor.Tag{Number: cbTagFloats, Content: cbNonNil(v)}, nil
	case time.Time:
		b, err := v.MarshalBinary()
		if err != nil {
			return nil, fmt.Errorf("engine: encoding time.Time %v: %w", v, err)
		}
		return cbor.Tag{Number: cbTagGoTime, Content: b}, nil
	case P:
		kv := pair(v)
		k, err := c.toWire(kv.Key, depth+1)
		if err != nil {
			return nil, err
		}
		val, err := c.toWire(kv.Value, depth+1)
		if err != nil {
			return nil, err
		}
		return cbor.Tag{Number: cbTagPair, Content: []any{k, val}}, nil
	case []any:
		return c.wireSlice(v, depth+1)
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			w, err := c.toWire(e, depth+1)
			if err != nil {
				return nil, err
			}
			m[k] = w
		}
		return m, nil
	}
	return nil, c.unsupported(x)
}

func cbNonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

func (c *Codec[P, T]) wireSlice(xs []any, depth int) ([]any, error) {
	out := make([]any, len(xs))
	for i, x := range xs {
		w, err := c.toWire(x, depth)
		if err != nil {
			return nil, err
		}
		out[i] = w
	}
	return out, nil
}

func corruptf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// fromWire maps a decoded CBOR value back to the element it encodes.
func (c *Codec[P, T]) fromWire(v any, depth int) (any, error) {
	if depth > cbTagMaxDepth {
		return nil, corruptf("nested deeper than %d levels", cbTagMaxDepth)
	}
	switch w := v.(type) {
	case nil, bool, float64, string, []byte:
		return w, nil
	case uint64:
		if w > math.MaxInt {
			return nil, corruptf("integer %d overflows int", w)
		}
		return int(w), nil
	case int64:
		return int(w), nil
	case []any:
		out := make([]any, len(w))
		for i, e := range w {
			x, err := c.fromWire(e, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case map[any]any:
		out := make(map[string]any, len(w))
		for k, e := range w {
			ks, ok := k.(string)
			if !ok {
				return nil, corruptf("map key of type %s, want string", typeName(k))
			}
			x, err := c.fromWire(e, depth+1)
			if err != nil {
				return nil, err
			}
			out[ks] = x
		}
		return out, nil
	case cbor.Tag:
		return c.fromTag(w, depth)
	}
	return nil, corruptf("unexpected CBOR value of Go type %s", typeName(v))
}

func (c *Codec[P, T]) fromTag(t cbor.Tag, depth int) (any, error) {
	switch t.Number {
	case cbTagInt8, cbTagInt16, cbTagInt32, cbTagInt64:
		n, ok := signedContent(t.Content)
		bits := map[uint64]uint{cbTagInt8: 8, cbTagInt16: 16, cbTagInt32: 32, cbTagInt64: 64}[t.Number]
		if !ok || (bits < 64 && (n < -(1<<(bits-1)) || n >= 1<<(bits-1))) {
			return nil, corruptf("tag %d: content %v does not fit int%d", t.Number, t.Content, bits)
		}
		switch bits {
		case 8:
			return int8(n), nil
		case 16:
			return int16(n), nil
		case 32:
			return int32(n), nil
		}
		return n, nil
	case cbTagUint, cbTagUint8, cbTagUint16, cbTagUint32, cbTagUint64:
		n, ok := t.Content.(uint64)
		bits := map[uint64]uint{cbTagUint: 64, cbTagUint8: 8, cbTagUint16: 16, cbTagUint32: 32, cbTagUint64: 64}[t.Number]
		if !ok || (bits < 64 && n >= 1<<bits) {
			return nil, corruptf("tag %d: content %v does not fit uint%d", t.Number, t.Content, bits)
		}
		switch t.Number {
		case cbTagUint:
			if n > math.MaxUint {
				return nil, corruptf("tag %d: content %d does not fit uint", t.Number, n)
			}
			return uint(n), nil
		case cbTagUint8:
			return uint8(n), nil
		case cbTagUint16:
			return uint16(n), nil
		case cbTagUint32:
			return uint32(n), nil
		}
		return n, nil
	case cbTagFloat32:
		f, ok := t.Content.(float64)
		if !ok || (float64(float32(f)) != f && f == f) {
			return nil, corruptf("tag %d: content %v is not a float32", t.Number, t.Content)
		}
		return float32(f), nil
	case cbTagTime:
		n, ok := signedContent(t.Content)
		if !ok {
			return nil, corruptf("tag %d: content %v is not an engine.Time", t.Number, t.Content)
		}
		return T(n), nil
	case cbTagDuration:
		n, ok := signedContent(t.Content)
		if !ok {
			return nil, corruptf("tag %d: content %v is not a time.Duration", t.Number, t.Content)
		}
		return time.Duration(n), nil
	case cbTagStrings, cbTagInts, cbTagFloats:
		return typedSlice(t)
	case cbTagGoTime:
		b, ok := t.Content.([]byte)
		if !ok {
			return nil, corruptf("tag %d: content of type %s is not a time.Time", t.Number, typeName(t.Content))
		}
		var tm time.Time
		if err := tm.UnmarshalBinary(b); err != nil {
			return nil, corruptf("tag %d: %v", t.Number, err)
		}
		if _, err := tm.MarshalBinary(); err != nil {
			return nil, corruptf("tag %d: %v", t.Number, err)
		}
		return tm, nil
	case cbTagPair:
		kv, ok := t.Content.([]any)
		if !ok || len(kv) != 2 {
			return nil, corruptf("tag %d: a Pair needs an array of 2, got %s", t.Number, typeName(t.Content))
		}
		k, err := c.fromWire(kv[0], depth+1)
		if err != nil {
			return nil, err
		}
		v, err := c.fromWire(kv[1], depth+1)
		if err != nil {
			return nil, err
		}
		return P(pair{Key: k, Value: v}), nil
	}
	return nil, corruptf("unknown CBOR tag %d", t.Number)
}

func typedSlice(t cbor.Tag) (any, error) {
	arr, ok := t.Content.([]any)
	if !ok {
		return nil, corruptf("tag %d: content of type %s is not an array", t.Number, typeName(t.Content))
	}
	bad := func(i int) error {
		return corruptf("tag %d: element %d of type %s does not belong in the slice", t.Number, i, typeName(arr[i]))
	}
	switch t.Number {
	case cbTagStrings:
		out := make([]string, len(arr))
		for i, v := range arr {
			s, ok := v.(string)
			if !ok {
				return nil, bad(i)
			}
			out[i] = s
		}
		return out, nil
	case cbTagInts:
		out := make([]int, len(arr))
		for i, v := range arr {
			n, ok := signedContent(v)
			if !ok || n < math.MinInt || n > math.MaxInt {
				return nil, bad(i)
			}
			out[i] = int(n)
		}
		return out, nil
	}
	out := make([]float64, len(arr))
	for i, v := range arr {
		f, ok := v.(float64)
		if !ok {
			return nil, bad(i)
		}
		out[i] = f
	}
	return out, nil
}

func signedContent(c any) (int64, bool) {
	switch n := c.(type) {
	case int64:
		return n, true
	case uint64:
		if n <= math.MaxInt64 {
			return int64(n), true
		}
	}
	return 0, false
}

// Marshal encodes xs as the CBOR payload: one array of elements.
func (c *Codec[P, T]) Marshal(xs []any) ([]byte, error) {
	b := make([]byte, 0, 16+8*len(xs))
	b = appendHead(b, 4, uint64(len(xs)))
	var err error
	for _, x := range xs {
		if b, err = c.appendElem(b, x, 1); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// Unmarshal decodes a payload written by Marshal.
func (c *Codec[P, T]) Unmarshal(data []byte) ([]any, error) {
	d := reader[P, T]{c: c, data: data}
	v, err := d.array(0)
	if err != nil {
		return nil, err
	}
	if d.pos != len(data) {
		return nil, corruptf("%d bytes after the elements", len(data)-d.pos)
	}
	return v, nil
}

// Encode writes xs to w as one frame: header, then the CBOR payload.
// An element of a type the codec cannot encode gives *UnsupportedTypeError
// and nothing is written.
func (c *Codec[P, T]) Encode(w io.Writer, xs []any) error {
	payload, err := c.Marshal(xs)
	if err != nil {
		return err
	}
	var h [HeaderSize]byte
	copy(h[:4], magic)
	h[4] = version
	binary.BigEndian.PutUint64(h[8:16], uint64(len(payload)))
	binary.BigEndian.PutUint32(h[16:20], crc32.Checksum(payload, castagnoli))
	if _, err := w.Write(h[:]); err != nil {
		return err
	}
	_, err = w.Write(payload)
	return err
}

// Decode reads one frame written by Encode from r. Data that is
// not a valid frame gives an error wrapping ErrCorrupt; the decoder never
// panics and never allocates much more than the bytes it was given.
func (c *Codec[P, T]) Decode(r io.Reader) ([]any, error) {
	var h [HeaderSize]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, corruptf("truncated header (%d bytes, want %d)", HeaderSize, HeaderSize)
		}
		return nil, err
	}
	if string(h[:4]) != magic {
		return nil, corruptf("bad magic %q, want %q", h[:4], magic)
	}
	if h[4] != version {
		return nil, corruptf("format version %d, this build reads version %d", h[4], version)
	}
	if h[5] != 0 || h[6] != 0 || h[7] != 0 {
		return nil, corruptf("reserved header bytes are not zero")
	}
	n := binary.BigEndian.Uint64(h[8:16])
	if n > maxFrame {
		return nil, corruptf("payload length %d is too large", n)
	}
	var buf bytes.Buffer
	got, err := io.Copy(&buf, io.LimitReader(r, int64(n)))
	if err != nil {
		return nil, err
	}
	if uint64(got) != n {
		return nil, corruptf("truncated payload (%d of %d bytes)", got, n)
	}
	payload := buf.Bytes()
	if sum := crc32.Checksum(payload, castagnoli); sum != binary.BigEndian.Uint32(h[16:20]) {
		return nil, corruptf("checksum mismatch (crc32c %08x, header says %08x)", sum, binary.BigEndian.Uint32(h[16:20]))
	}
	return c.Unmarshal(payload)
}

// EncodeFrame returns xs encoded as one frame, as Encode writes it.
func (c *Codec[P, T]) EncodeFrame(xs []any) ([]byte, error) {
	var b bytes.Buffer
	if err := c.Encode(&b, xs); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// DecodeFrame decodes b, which holds exactly one frame: bytes after it
// are an error, as Decode's errors are. It never panics.
func (c *Codec[P, T]) DecodeFrame(b []byte) ([]any, error) {
	r := bytes.NewReader(b)
	xs, err := c.Decode(r)
	if err != nil {
		return nil, err
	}
	if r.Len() != 0 {
		return nil, fmt.Errorf("%d bytes after the encoded elements", r.Len())
	}
	return xs, nil
}

// DecodeAll reads frames from r until its end and concatenates them.
func (c *Codec[P, T]) DecodeAll(r io.Reader) ([]any, error) {
	br := bufio.NewReader(r)
	out := []any{}
	for {
		if _, err := br.Peek(1); err == io.EOF {
			return out, nil
		}
		xs, err := c.Decode(br)
		if err != nil {
			return nil, err
		}
		out = append(out, xs...)
	}
}

// MarshalWithLibrary encodes xs as Marshal does, but entirely through the
// CBOR library; the result decodes the same. Tests use it to check that the
// hand-written fast paths agree with the library.
func (c *Codec[P, T]) MarshalWithLibrary(xs []any) ([]byte, error) {
	w, err := c.wireSlice(xs, 1)
	if err != nil {
		return nil, err
	}
	return cborEnc.Marshal(w)
}
