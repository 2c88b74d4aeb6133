// Package checkpoint is the checkpoint directory and the checkpointer that
// fills it: the file formats of the metadata and state checkpoints, the
// bookkeeping of which files a recovery still needs, the directory's lock,
// the chains of state files, and the writing of a running context's
// checkpoints batch by batch. docs/storage-format.md is the reference for
// the bytes, docs/fault-tolerance.md for how the engine uses them.
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
//	wal/input-<i>/<seq>.log   the write-ahead log of receiver input i (package wal,
//	                          in LogDir)
//	.lock                     the lock of the context writing the directory
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
//   - One context at a time writes a directory: LockDir (and Open) take an
//     exclusive flock on its .lock file, which names the holder, and fail at
//     once with an error wrapping ErrInUse when another holds it. The
//     kernel drops the lock when the process dies.
//   - Load reads the newest metadata file; a directory without one that
//     still holds state files or log records is an error wrapping ErrLost
//     and ErrBad (Orphans), since starting afresh would discard them.
//   - Chains writes a stateful stream's state as a full snapshot and then
//     deltas chained on it (engine/internal/state); a delta becomes the
//     chain's base for the next one only once Staged.Commit says the
//     metadata referring to it is on disk. ReadChain puts the state back
//     together and names the file at fault when a chain does not hold.
//   - Checkpointer writes a metadata file when a batch is generated (the
//     batch pending, what each input handed to it, the inputs' positions)
//     and when it completes (after the state files when the state interval
//     is due), then trims the input batches no recovery needs, releases the
//     inputs' logs and deletes the files no kept metadata refers to. A
//     write that fails is reported through Config.Fail with the batch's
//     time, and later batches try again.
//   - Begin is a started context's checkpointing from the start: it opens
//     the checkpointer with the graph's fingerprint and state interval,
//     sets each input's Source, and writes the initial checkpoint or, at
//     recovery, restores the stateful streams' state through the engine's
//     Restore, puts the inputs back (Recover), has the engine replay the
//     stateful streams over the completed batches after their state and
//     returns the pending batches to run again; it closes the checkpointer
//     when it fails or a callback panics, and at recovery returns the
//     panic as the error Start.Panic makes of it.
//   - At recovery, Resume checks the rebuilt graph against the newest
//     metadata and ReadStates reads the state chains it refers to, and
//     Checkpointer.Recover puts each input back as the metadata recorded
//     it (its position, then its batches still needed,
//     through the engine's Source.Restore and Source.Rebuild), reporting
//     one that cannot be put back as a RecoverError naming the file, the
//     input and the batch; Resumed then tells the started inputs the last
//     batch generated before the restart.
//   - Fingerprint and Meta.Match describe a graph and tell how a rebuilt
//     one differs from the checkpoint's; StateInterval gives the stateful
//     streams' checkpoint interval; Meta.Replays the completed batches
//     recovery recomputes for each stateful stream.
//   - Times are int64 milliseconds; the package knows nothing of streams
//     beyond their index in the graph and what the engine hands it
//     (elements as any, split, compared and encoded by the engine's
//     functions). The caller walks its graph, encodes elements, rebuilds
//     input batches and wraps errors for users.
package checkpoint
