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

// The element types that dominate streams (ints, strings, pairs, slices)
// are encoded and decoded by the small hand-written CBOR routines below;
// every other value goes through the CBOR library. Both produce and accept
// the same standard CBOR.

// appendHead appends a CBOR item head in its shortest form.
func appendHead(b []byte, major byte, n uint64) []byte {
	m := major << 5
	switch {
	case n < 24:
		return append(b, m|byte(n))
	case n <= math.MaxUint8:
		return append(b, m|24, byte(n))
	case n <= math.MaxUint16:
		return append(b, m|25, byte(n>>8), byte(n))
	case n <= math.MaxUint32:
		return append(b, m|26, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return binary.BigEndian.AppendUint64(append(b, m|27), n)
}

func appendInt(b []byte, n int64) []byte {
	if n >= 0 {
		return appendHead(b, 0, uint64(n))
	}
	return appendHead(b, 1, uint64(-1-n))
}

func (c *Codec[P, T]) appendElem(b []byte, x any, depth int) ([]byte, error) {
	if depth > cbTagMaxDepth {
		return nil, fmt.Errorf("engine: element nested deeper than %d levels", cbTagMaxDepth)
	}
	switch v := x.(type) {
	case nil:
		return append(b, 0xf6), nil
	case bool:
		if v {
			return append(b, 0xf5), nil
		}
		return append(b, 0xf4), nil
	case int:
		return appendInt(b, int64(v)), nil
	case string:
		return append(appendHead(b, 3, uint64(len(v))), v...), nil
	case []byte:
		return append(appendHead(b, 2, uint64(len(v))), v...), nil
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			break
		}
		return binary.BigEndian.AppendUint64(append(b, 0xfb), math.Float64bits(v)), nil
	case int64:
		return appendInt(appendHead(b, 6, cbTagInt64), v), nil
	case int32:
		return appendInt(appendHead(b, 6, cbTagInt32), int64(v)), nil
	case T:
		return appendInt(appendHead(b, 6, cbTagTime), int64(v)), nil
	case P:
		kv := pair(v)
		b = append(appendHead(b, 6, cbTagPair), 0x82)
		b, err := c.appendElem(b, kv.Key, depth+1)
		if err != nil {
			return nil, err
		}
		return c.appendElem(b, kv.Value, depth+1)
	case []any:
		b = appendHead(b, 4, uint64(len(v)))
		var err error
		for _, e := range v {
			if b, err = c.appendElem(b, e, depth+1); err != nil {
				return nil, err
			}
		}
		return b, nil
	case []string:
		b = appendHead(appendHead(b, 6, cbTagStrings), 4, uint64(len(v)))
		for _, e := range v {
			b = append(appendHead(b, 3, uint64(len(e))), e...)
		}
		return b, nil
	case []int:
		b = appendHead(appendHead(b, 6, cbTagInts), 4, uint64(len(v)))
		for _, e := range v {
			b = appendInt(b, int64(e))
		}
		return b, nil
	}
	w, err := c.toWire(x, depth)
	if err != nil {
		return nil, err
	}
	enc, err := cborEnc.Marshal(w)
	if err != nil {
		return nil, err
	}
	return append(b, enc...), nil
}

// cborReader decodes a payload.
type reader[P PairType, T TimeType] struct {
	c    *Codec[P, T]
	data []byte
	pos  int
	text string // data as one string: decoded strings share its memory
}

// head reads an item head with a definite argument; ok is false for
// indefinite lengths, reserved values and truncation, which the library
// path handles (or rejects).
func (d *reader[P, T]) head() (major byte, n uint64, ok bool) {
	if d.pos >= len(d.data) {
		return 0, 0, false
	}
	ib := d.data[d.pos]
	major, ai := ib>>5, ib&0x1f
	size := 0
	switch {
	case ai < 24:
		d.pos++
		return major, uint64(ai), true
	case ai == 24:
		size = 1
	case ai == 25:
		size = 2
	case ai == 26:
		size = 4
	case ai == 27:
		size = 8
	default:
		return 0, 0, false
	}
	if len(d.data)-d.pos-1 < size {
		return 0, 0, false
	}
	for _, c := range d.data[d.pos+1 : d.pos+1+size] {
		n = n<<8 | uint64(c)
	}
	d.pos += 1 + size
	return major, n, true
}

// array reads a definite-length array of elements.
func (d *reader[P, T]) array(depth int) ([]any, error) {
	start := d.pos
	major, n, ok := d.head()
	if !ok || major != 4 {
		d.pos = start
		v, err := d.slow(depth)
		if err != nil {
			return nil, err
		}
		arr, ok := v.([]any)
		if !ok {
			return nil, corruptf("payload is a %s, want an array of elements", typeName(v))
		}
		return arr, nil
	}
	if n > uint64(len(d.data)-d.pos) {
		return nil, corruptf("array of %d elements in %d bytes", n, len(d.data)-d.pos)
	}
	out := make([]any, n)
	for i := range out {
		x, err := d.elem(depth + 1)
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

// int reads a CBOR integer item that must fit an int64.
func (d *reader[P, T]) int() (int64, bool) {
	major, n, ok := d.head()
	switch {
	case ok && major == 0 && n <= math.MaxInt64:
		return int64(n), true
	case ok && major == 1 && n <= math.MaxInt64:
		return -1 - int64(n), true
	}
	return 0, false
}

func (d *reader[P, T]) elem(depth int) (any, error) {
	if depth > cbTagMaxDepth {
		return nil, corruptf("nested deeper than %d levels", cbTagMaxDepth)
	}
	start := d.pos
	major, n, ok := d.head()
	if !ok {
		d.pos = start
		return d.slow(depth)
	}
	switch major {
	case 0:
		if n > math.MaxInt {
			return nil, corruptf("integer %d overflows int", n)
		}
		return int(n), nil
	case 1:
		if n > math.MaxInt64 {
			break // beyond int64: the library path rejects it
		}
		return int(-1 - int64(n)), nil
	case 2, 3:
		if n > uint64(len(d.data)-d.pos) {
			return nil, corruptf("string of %d bytes in %d", n, len(d.data)-d.pos)
		}
		lo, hi := d.pos, d.pos+int(n)
		d.pos = hi
		if major == 3 {
			if d.text == "" {
				d.text = string(d.data)
			}
			return d.text[lo:hi], nil
		}
		return append([]byte{}, d.data[lo:hi]...), nil
	case 4:
		d.pos = start
		return d.array(depth)
	case 6:
		switch n {
		case cbTagInt64, cbTagInt32, cbTagTime:
			if v, ok := d.int(); ok {
				switch n {
				case cbTagInt64:
					return v, nil
				case cbTagTime:
					return T(v), nil
				}
				if v >= math.MinInt32 && v <= math.MaxInt32 {
					return int32(v), nil
				}
			}
		case cbTagPair:
			if m, l, ok := d.head(); ok && m == 4 && l == 2 {
				k, err := d.elem(depth + 1)
				if err != nil {
					return nil, err
				}
				v, err := d.elem(depth + 1)
				if err != nil {
					return nil, err
				}
				return P(pair{Key: k, Value: v}), nil
			}
		}
	case 7:
		switch {
		case n == 20:
			return false, nil
		case n == 21:
			return true, nil
		case n == 22:
			return nil, nil
		case d.data[start] == 0xfb:
			if f := math.Float64frombits(n); !math.IsNaN(f) && !math.IsInf(f, 0) {
				return f, nil
			}
		}
	}
	d.pos = start
	return d.slow(depth)
}

// slow decodes the item at d.pos with the CBOR library.
func (d *reader[P, T]) slow(depth int) (any, error) {
	var v any
	rest, err := cborDec.UnmarshalFirst(d.data[d.pos:], &v)
	if err != nil {
		return nil, corruptf("%v", err)
	}
	d.pos = len(d.data) - len(rest)
	return d.c.fromWire(v, depth)
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
