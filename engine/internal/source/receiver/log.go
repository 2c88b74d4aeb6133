package receiver

import (
	"errors"
	"fmt"

	"github.com/gostream/gostream/engine/internal/checkpoint"
	"github.com/gostream/gostream/engine/internal/wal"
)

// Log is the write-ahead log of one Source: its Sink, and what rebuilds its
// batches and its unallocated records after a crash.
type Log struct {
	log *wal.Log
}

// OpenLog opens the log in dir (wal.Open); fresh empties it first, for a
// source that numbers its records from 0 again.
func OpenLog(dir string, fresh bool, opt wal.Options) (*Log, error) {
	l, err := wal.Open(dir, fresh, opt)
	if err != nil {
		return nil, err
	}
	return &Log{log: l}, nil
}

// Store appends records numbered from seq and syncs them; after Close it
// returns ErrStopped.
func (l *Log) Store(seq uint64, records []any) error {
	err := l.log.Append(seq, records)
	if errors.Is(err, wal.ErrClosed) {
		return ErrStopped
	}
	return err
}

// Allocated remembers which records batch t took.
func (l *Log) Allocated(t int64, from, to uint64) error {
	l.log.Allocated(t, from, to)
	return nil
}

// BatchRecord is what a checkpoint keeps of batch t: the range of record
// numbers it took.
func (l *Log) BatchRecord(t int64) []byte { return wal.EncodeRange(l.log.Batch(t)) }

// Rebuild reads back the records of the batch whose BatchRecord was rec.
func (l *Log) Rebuild(rec []byte) ([]any, error) {
	from, to, err := wal.DecodeRange(rec)
	if err != nil {
		return nil, err
	}
	xs, _, err := l.log.Read(from, to)
	if err != nil {
		return nil, err
	}
	if uint64(len(xs)) != to-from {
		return nil, fmt.Errorf("the log in %s holds %d of the %d records [%d, %d) of the batch", l.log.Dir(), len(xs), to-from, from, to)
	}
	return xs, nil
}

// Position is what a checkpoint keeps of the log: the end of the records
// given to batches.
func (l *Log) Position() []byte { return wal.EncodePosition(l.log.End()) }

// RestorePosition hands the records stored after pos, which no batch took
// before the crash, back to src for its next batch.
func (l *Log) RestorePosition(pos []byte, src *Source) error {
	end, err := wal.DecodePosition(pos)
	if err != nil {
		return err
	}
	xs, _, err := l.log.Read(end, ^uint64(0))
	if err != nil {
		return err
	}
	l.log.SetEnd(end)
	src.Restore(end, xs, nil)
	return nil
}

// Read returns the logged records numbered [from, to), in order, and the
// number after the last one read.
func (l *Log) Read(from, to uint64) ([]any, uint64, error) { return l.log.Read(from, to) }

// Segments lists the first record numbers of the log's segments.
func (l *Log) Segments() []uint64 { return l.log.Segments() }

// Release deletes the segments holding only records that neither a kept
// batch (by its BatchRecord) nor the position needs.
func (l *Log) Release(batches [][]byte, position []byte) {
	need := ^uint64(0)
	if end, err := wal.DecodePosition(position); err == nil {
		need = end
	}
	for _, b := range batches {
		if from, to, err := wal.DecodeRange(b); err == nil && to > from {
			need = min(need, from)
		}
	}
	l.log.Release(need)
}

// Close closes the log; stores fail from then on.
func (l *Log) Close() { l.log.Close() }

// Checkpoint is the log as the checkpointer sees src's input (src's sink
// being the log): a batch's record is its range of record numbers, the
// position the end of the records given to batches; at recovery Rebuild
// reads a batch's records back and hands them to put, and Restore gives
// src the records no batch took. wrap turns the log's errors into the
// caller's. Release deletes what no kept batch and no position needs, and
// Close closes the log.
func (l *Log) Checkpoint(src *Source, wrap func(error) error, put func(t int64, records []any)) checkpoint.Source {
	return checkpoint.Source{
		Record:   func(t int64) ([]byte, error) { return l.BatchRecord(t), nil },
		Position: func() ([]byte, error) { return l.Position(), nil },
		Restore:  func(pos []byte) error { return wrap(l.RestorePosition(pos, src)) },
		Rebuild: func(t int64, rec []byte) (int, error) {
			xs, err := l.Rebuild(rec)
			if err != nil {
				return 0, wrap(err)
			}
			put(t, xs)
			return len(xs), nil
		},
		Release: func(batches []checkpoint.Batch, position []byte) {
			ranges := make([][]byte, len(batches))
			for i, b := range batches {
				ranges[i] = b.Data
			}
			l.Release(ranges, position)
		},
		Close: l.Close,
	}
}
