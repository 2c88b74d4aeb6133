package engine

import "github.com/gostream/gostream/engine/internal/checkpoint"

// The names the checkpoint tests use for engine/internal/checkpoint's
// formats, with the engine's element codec.

const (
	ckptKindMeta   = checkpoint.KindMeta
	ckptKindState  = checkpoint.KindState
	ckptHeaderLen  = checkpoint.HeaderLen
	ckptTrailerLen = checkpoint.TrailerLen
	ckptKeep       = checkpoint.Keep
	ckptMetaPrefix = checkpoint.MetaPrefix
	ckptStatePre   = checkpoint.StatePre
	ckptLockName   = checkpoint.LockName
)

type (
	ckptMeta     = checkpoint.Meta
	ckptInput    = checkpoint.Input
	ckptBatch    = checkpoint.Batch // what an input handed to one batch
	ckptStateRef = checkpoint.StateRef
	ckptState    = checkpoint.State
)

func frameCheckpoint(kind byte, payload []byte) []byte { return checkpoint.Frame(kind, payload) }

func decodeMeta(data []byte) (*ckptMeta, error) { return checkpoint.DecodeMeta(data) }

func encodeMeta(m *ckptMeta) ([]byte, error) { return checkpoint.EncodeMeta(m) }

func decodeState(data []byte) (*ckptState, [][]any, [][][]any, error) {
	return checkpoint.DecodeState(data, decodeCkptElems)
}

func encodeParts(op string, parts [][]any) ([][]byte, error) {
	return checkpoint.EncodeParts(op, parts, encodeCkptElems)
}

func metaFiles(dir string) ([]string, []uint64, error) { return checkpoint.MetaFiles(dir) }

func stateName(stream int, t Time) string { return checkpoint.StateName(stream, int64(t), false) }
