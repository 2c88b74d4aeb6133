package engine

import (
	"fmt"
	"io"

	"github.com/gostream/gostream/engine/internal/codec"
	"github.com/gostream/gostream/engine/internal/rdd"
)

// The element codec (engine/internal/codec) writes object files, serialized
// in-memory storage, write-ahead log records and checkpointed state;
// docs/storage-format.md is the reference for the format. The engine fills
// in its own pair and time types and its error for unsupported types.

// ErrCorrupt marks data that is not a valid frame of the element codec:
// wrong magic, unknown version, a bad checksum, truncation or malformed CBOR.
var ErrCorrupt = codec.ErrCorrupt

// UnsupportedTypeError is returned when an element's type has no encoding.
type UnsupportedTypeError struct {
	Type string // the Go type, as fmt's %T shows it
}

func (e *UnsupportedTypeError) Error() string {
	return fmt.Sprintf("engine: cannot encode an element of type %s (supported: nil, bool, int, int8..int64, uint..uint64, float32, float64, string, []byte, engine.Time, engine.Pair, []any, map[string]any, []string, []int, []float64, time.Time, time.Duration)", e.Type)
}

// elems is the engine's element codec.
var elems = &codec.Codec[Pair, Time]{
	Unsupported: func(typ string) error { return &UnsupportedTypeError{Type: typ} },
}

// blocks is the codec of serialized storage (engine/internal/rdd).
var blocks = &rdd.Codec{Encode: encodeBlock, Decode: decodeBlock, Corrupt: func(err error) {
	panic(taskFailure{&Error{Op: "storage", Msg: "decoding a stored partition: " + err.Error(), Err: err}})
}}

// encodeElems writes xs to w as one frame. An element of a type the codec
// cannot encode gives *UnsupportedTypeError and nothing is written.
func encodeElems(w io.Writer, xs []any) error { return elems.Encode(w, xs) }

// decodeElems reads one frame from r; data that is not a valid frame gives
// an error wrapping ErrCorrupt.
func decodeElems(r io.Reader) ([]any, error) { return elems.Decode(r) }

// decodeAllElems reads frames from r until its end and concatenates them.
func decodeAllElems(r io.Reader) ([]any, error) { return elems.DecodeAll(r) }

// encodeBlock and decodeBlock serialize partitions kept in memory: the
// payload alone, as nothing outside the process reads it.
func encodeBlock(part []any) ([]byte, error) { return elems.Marshal(part) }

func decodeBlock(data []byte) ([]any, error) { return elems.Unmarshal(data) }
