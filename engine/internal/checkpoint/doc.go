// Package checkpoint is the checkpoint directory: the file formats of the
// metadata and state checkpoints and the bookkeeping of which files a
// recovery still needs. docs/storage-format.md is the reference for the
// bytes, docs/fault-tolerance.md for how the engine uses them.
//
// A checkpoint directory holds
//
//	checkpoint-<seq>          metadata (Meta): the graph's fingerprint, the
//	                          zero time, the last completed batch, the batches
//	                          generated but not completed, what each input
//	                          handed to the batches still needed for recovery,
//	                          source positions, and which state files hold the
//	                          state
//	state-<stream>-<time>     a stateful stream's state at a batch time
//	wal/input-<i>/<seq>.log   the write-ahead log of receiver input i (package wal)
//
// Every checkpoint and state file has the same frame:
//
//	"GSCK" | format version (uint16) | kind ('M' or 'S') |
//	payload length (uint64) | payload | CRC-32C of all that precedes (uint32)
//
// all integers big-endian. Metadata payloads are JSON; state payloads are
// JSON whose partitions are frames of the element codec.
//
// The contract:
//   - Files are written to a temporary name, synced, renamed into place and
//     the directory synced, so a crash leaves either the old file or the new
//     one, never half of one.
//   - Decoding a file that is corrupt, truncated, of another kind or of an
//     unknown version returns an error that says which, and never panics;
//     the engine wraps it with ErrBadCheckpoint and the file's path.
//   - Dir keeps the last Keep metadata files and every state file one of
//     them refers to, and deletes the rest after each completed batch.
//   - Times are int64 milliseconds; the package knows nothing of streams
//     beyond their index in the graph.
package checkpoint
