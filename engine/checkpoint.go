package engine

import (
	"errors"
	"fmt"

	"github.com/gostream/gostream/engine/internal/checkpoint"
)

// Checkpoint files: their formats, the directory's bookkeeping and the
// checkpointer's live in engine/internal/checkpoint (docs/storage-format.md);
// recovery.go hands the checkpointer the running graph.

// ErrBadCheckpoint marks errors about checkpoint files that are corrupt,
// truncated, of an unknown version or from a different graph; test with
// errors.Is.
var ErrBadCheckpoint = checkpoint.ErrBad

// ErrCheckpointInUse is returned by Start when another running context (in
// this process or another) checkpoints into the same directory: two writers
// would overwrite each other's metadata and delete each other's files.
var ErrCheckpointInUse = checkpoint.ErrInUse

// ErrLostCheckpoint marks a checkpoint directory whose checkpoint-* metadata
// files are gone while state files or write-ahead log records remain: a
// fresh start would discard the logged records silently. Errors wrapping it
// also match ErrBadCheckpoint.
var ErrLostCheckpoint = checkpoint.ErrLost

// ckptError is the *Error for a bad checkpoint file.
func ckptError(op, path string, err error) *Error {
	return &Error{Op: op, Msg: fmt.Sprintf("checkpoint %s: %v", path, err), Err: errors.Join(ErrBadCheckpoint, err)}
}

// encodeCkptElems encodes a partition of state or a log record with the
// element codec: one versioned, checksummed frame; decodeCkptElems
// decodes it and never panics.
var encodeCkptElems, decodeCkptElems = elems.EncodeFrame, elems.DecodeFrame
