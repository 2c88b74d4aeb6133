package engine

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gostream/gostream/engine/internal/codec"
)

func TestCodecRoundTrip(t *testing.T) {
	when := time.Date(2026, 11, 23, 21, 30, 5, 123456789, time.FixedZone("X", 3600))
	tests := []struct {
		name  string
		elems []any
	}{
		{"empty", []any{}},
		{"scalars", []any{nil, true, false, 0, -1, 42, 255, 256, 65536, 1 << 32, math.MaxInt, math.MinInt, 1.5, math.Inf(-1), math.MaxFloat64, "", "héllo", strings.Repeat("long", 100), []byte{0, 1, 2}, []byte{}}},
		{"sized ints", []any{int8(-128), int16(300), int32(-70000), int64(math.MinInt64), uint(7), uint8(255), uint16(65535), uint32(1 << 31), uint64(math.MaxUint64)}},
		{"float32", []any{float32(1.25), float32(math.MaxFloat32), float32(-0.1)}},
		{"times", []any{Time(1000), Time(-5), when, time.Unix(0, 0).UTC()}},
		{"pairs", []any{KV("a", 1), KV(KV(1, 2), []any{"x", int64(3)}), KV(nil, nil)}},
		{"nested", []any{[]any{}, []any{1, []any{"a", map[string]any{"k": []any{uint8(1)}}}}, map[string]any{}, map[string]any{"a": 1, "b": KV("c", 2.5)}}},
		{"typed slices", []any{[]string{"a", ""}, []int{1, -2}, []float64{0.5}, []string{}, time.Duration(1500)}},
		{"invalid utf8", []any{"\xff\xfe", KV("\x80", 1)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := encodeElems(&buf, tc.elems); err != nil {
				t.Fatalf("encodeElems: %v", err)
			}
			got, err := decodeElems(&buf)
			if err != nil {
				t.Fatalf("decodeElems: %v", err)
			}
			if len(got) != len(tc.elems) {
				t.Fatalf("got %d elements, want %d", len(got), len(tc.elems))
			}
			for i := range got {
				if !equalElem(got[i], tc.elems[i]) {
					t.Errorf("element %d: got %#v (%T), want %#v (%T)", i, got[i], got[i], tc.elems[i], tc.elems[i])
				}
			}
			// The library's own encoding of the same values decodes the same.
			lib, err := elems.MarshalWithLibrary(tc.elems)
			if err != nil {
				t.Fatal(err)
			}
			fromLib, err := decodeBlock(lib)
			if err != nil {
				t.Fatalf("decoding the library's encoding: %v", err)
			}
			for i := range fromLib {
				if !equalElem(fromLib[i], tc.elems[i]) {
					t.Errorf("library-encoded element %d: got %#v, want %#v", i, fromLib[i], tc.elems[i])
				}
			}
			// The block codec used by serialized storage agrees.
			b, err := encodeBlock(tc.elems)
			if err != nil {
				t.Fatal(err)
			}
			again, err := decodeBlock(b)
			if err != nil || len(again) != len(got) {
				t.Fatalf("decodeBlock: %v, %d elements", err, len(again))
			}
		})
	}
}

func equalElem(a, b any) bool {
	if ta, ok := a.(time.Time); ok {
		tb, ok := b.(time.Time)
		return ok && ta.Equal(tb) && ta.Format(time.RFC3339Nano) == tb.Format(time.RFC3339Nano)
	}
	return reflect.DeepEqual(a, b)
}

func TestCodecDeterministic(t *testing.T) {
	m := map[string]any{}
	for _, k := range strings.Fields("q w e r t y u i o p a s d f g h j k l") {
		m[k] = k
	}
	var a, b bytes.Buffer
	if err := encodeElems(&a, []any{m}); err != nil {
		t.Fatal(err)
	}
	if err := encodeElems(&b, []any{m}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("encoding the same map twice gave different bytes")
	}
}

func TestCodecUnsupportedType(t *testing.T) {
	type word struct{ s string }
	tests := []struct {
		name  string
		elem  any
		wantT string
	}{
		{"struct", word{"a"}, "engine.word"},
		{"inside pair", KV("k", []int8{1}), "[]int8"},
		{"inside slice", []any{1, &Pair{}}, "*engine.Pair"},
		{"func", Format, "func(interface {}) string"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := encodeElems(&buf, []any{1, tc.elem})
			var ue *UnsupportedTypeError
			if !errors.As(err, &ue) || ue.Type != tc.wantT {
				t.Fatalf("got error %v, want UnsupportedTypeError for %s", err, tc.wantT)
			}
			if !strings.Contains(err.Error(), tc.wantT) {
				t.Errorf("error %q does not name the type %s", err, tc.wantT)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes on failure", buf.Len())
			}
		})
	}
}

func TestCodecCorrupt(t *testing.T) {
	var good bytes.Buffer
	if err := encodeElems(&good, []any{"hello", 1, KV("a", 2)}); err != nil {
		t.Fatal(err)
	}
	g := good.Bytes()
	mod := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), g...)) }
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "truncated header"},
		{"short header", g[:10], "truncated header"},
		{"magic", mod(func(b []byte) []byte { b[0] = 'X'; return b }), "bad magic"},
		{"version", mod(func(b []byte) []byte { b[4] = 9; return b }), "format version 9"},
		{"truncated payload", g[:len(g)-1], "truncated payload"},
		{"flipped bit", mod(func(b []byte) []byte { b[len(b)-1] ^= 1; return b }), "checksum mismatch"},
		{"huge length", mod(func(b []byte) []byte { b[8] = 0xff; return b }), "too large"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeElems(bytes.NewReader(tc.data))
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want ErrCorrupt mentioning %q", err, tc.want)
			}
		})
	}
}

func TestCodecFallsBackForStorage(t *testing.T) {
	ex := newExecutor(2)
	if ex.env.Codec == nil {
		t.Fatal("no default codec installed")
	}
	tests := []struct {
		name  string
		parts [][]any
	}{
		{"encodable", [][]any{{1, "a"}, {KV("k", int64(2))}}},
		{"not encodable", [][]any{{struct{}{}}, {1}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRDD(ex, "test", len(tc.parts), nil, func(p int, emit func(any)) {
				for _, x := range tc.parts[p] {
					emit(x)
				}
			}).Persist(MemoryOnlySer)
			if got := r.Partitions(); !reflect.DeepEqual(got, tc.parts) {
				t.Fatalf("got %#v, want %#v", got, tc.parts)
			}
		})
	}
}

func FuzzDecodeElems(f *testing.F) {
	for _, xs := range [][]any{
		{},
		{"a", 1, -2, 1.5, nil, true},
		{KV("k", []any{int8(1), uint64(2), float32(3)}), map[string]any{"m": Time(5)}},
		{time.Unix(1, 2).UTC(), []byte("x")},
	} {
		var buf bytes.Buffer
		if err := encodeElems(&buf, xs); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Add([]byte("GSEL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x80"))
	f.Fuzz(func(t *testing.T, data []byte) {
		xs, err := decodeElems(bytes.NewReader(data))
		if err != nil {
			return
		}
		// What decodes re-encodes, and re-encoding is stable.
		var b1, b2 bytes.Buffer
		if err := encodeElems(&b1, xs); err != nil {
			t.Fatalf("re-encoding decoded elements: %v", err)
		}
		ys, err := decodeElems(bytes.NewReader(b1.Bytes()))
		if err != nil {
			t.Fatalf("decoding re-encoded elements: %v", err)
		}
		if err := encodeElems(&b2, ys); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
			t.Fatalf("round trip changed the encoding:\n%x\n%x", b1.Bytes(), b2.Bytes())
		}
		// The raw payload decodes the same without the frame.
		if n := int(binary.BigEndian.Uint64(data[8:16])); n <= len(data)-codec.HeaderSize {
			if _, err := decodeBlock(data[codec.HeaderSize : codec.HeaderSize+n]); err != nil {
				t.Fatalf("payload accepted in a frame but not alone: %v", err)
			}
		}
	})
}

// FuzzDecodeBlock fuzzes the CBOR payload decoder behind the checksum.
func FuzzDecodeBlock(f *testing.F) {
	for _, xs := range [][]any{
		{},
		{"a", 1, -2, 1.5, nil, true, []byte("b")},
		{KV("k", []any{int8(1), uint64(2), float32(3)}), map[string]any{"m": Time(5)}},
		{time.Unix(1, 2).UTC(), uint(3), int16(-4)},
	} {
		b, err := encodeBlock(xs)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		xs, err := decodeBlock(data)
		if err != nil {
			return
		}
		b1, err := encodeBlock(xs)
		if err != nil {
			t.Fatalf("re-encoding decoded elements: %v", err)
		}
		ys, err := decodeBlock(b1)
		if err != nil {
			t.Fatalf("decoding re-encoded elements: %v", err)
		}
		b2, err := encodeBlock(ys)
		if err != nil || !bytes.Equal(b1, b2) {
			t.Fatalf("round trip changed the encoding (%v):\n%x\n%x", err, b1, b2)
		}
	})
}

// BenchmarkCodecBlock measures serialized storage of a word-count partition.
func BenchmarkCodecBlock(b *testing.B) {
	words := strings.Fields("the of and to a in is that it for was on are as with his they at be this")
	part := make([]any, 10_000)
	for i := range part {
		part[i] = KV(words[i%len(words)], i)
	}
	b.Run("encode", func(b *testing.B) {
		for b.Loop() {
			if _, err := encodeBlock(part); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*len(part))/b.Elapsed().Seconds(), "records/s")
	})
	data, _ := encodeBlock(part)
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			if _, err := decodeBlock(data); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*len(part))/b.Elapsed().Seconds(), "records/s")
	})
}
