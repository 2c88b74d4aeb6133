// Package wal is the write-ahead log of one receiver input: the records a
// receiver stores, appended and synced before Store returns, and read back
// to rebuild batches after a crash. docs/fault-tolerance.md tells how the
// engine uses it; docs/storage-format.md is the reference for the bytes.
//
// The log is a series of segment files in one directory, named by the
// number of their first record (%020d.log). A segment is a series of
// entries:
//
//	payload length (uint32) | CRC-32C of the payload (uint32) |
//	payload: first record number (uint64) | one element-codec frame
//
// all big-endian.
//
// The contract:
//   - Records are numbered in storing order; Append(seq, records) numbers
//     them seq, seq+1, ... and returns once they are on disk (synced). After
//     Close, Append returns ErrClosed.
//   - A new segment starts after the segment size and at every Open, so a
//     segment is never appended to after a crash: an entry cut short (never
//     acknowledged) can only be the last of its segment, and reading stops
//     there without error.
//   - Read(from, to) returns records [from, to) in order; a gap between
//     segments is an error naming the missing records.
//   - The log remembers which records each batch took (Allocated, Batch) and
//     where the allocated records end (End); Release(need) deletes the
//     segments holding only records before need.
//   - Batch times are int64 milliseconds; the log encodes records with the
//     functions it is given and knows nothing else of the engine.
package wal
