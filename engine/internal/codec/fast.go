package codec

import (
	"encoding/binary"
	"fmt"
	"math"
)

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
