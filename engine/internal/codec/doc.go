// Package codec is the element codec: how elements are written to object
// files, kept in serialized in-memory storage, logged in the write-ahead log
// and stored in checkpoints. docs/storage-format.md is the reference for the
// bytes.
//
// A frame (Encode, Decode) is a 20-byte header followed by a CBOR payload:
//
//	offset size field
//	0      4    magic "GSEL"
//	4      1    format version (1)
//	5      3    reserved, zero
//	8      8    payload length, big endian
//	16     4    CRC-32C (Castagnoli) of the payload, big endian
//	20     n    payload: one CBOR array holding the elements
//
// A block (Marshal, Unmarshal) is the payload alone, for bytes that never
// leave the process.
//
// The contract:
//   - Element types that CBOR has natively (nil, bool, int, float64, string,
//     []byte, []any, map[string]any) are written as plain CBOR; every other
//     supported Go type is a CBOR tag from gostream's range around its
//     content, so each element decodes to exactly the Go type it was encoded
//     from. The caller owns two of the types, the pair and the batch time:
//     they are Codec's type parameters P and T.
//   - Encoding an element of a type without an encoding returns the error
//     the Unsupported hook makes, and nothing is written.
//   - Decoding data that is not a valid frame or block returns an error
//     wrapping ErrCorrupt; the decoder never panics and never allocates much
//     more than the bytes it was given.
package codec
