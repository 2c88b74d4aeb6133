package file

import (
	"encoding/json"
	"errors"
	"path/filepath"
)

// Reading is how a stream reads a batch's files: with Objects, each is a
// directory whose parts are partitions (ObjectFileStream's); else with
// Records, each file's records are one partition; else each file's lines
// are (ReadText), a file over SplitSize cut into splits.
type Reading struct {
	Objects   func(path string) ([][]any, error)
	Records   func(path string) ([]any, error)
	SplitSize int64
}

// Batch is what a batch's files read into: partition i is Parts[i], or the
// lines of Splits[i] when Splits is not nil and that is not; Records
// counts the records.
type Batch struct {
	Parts   [][]any
	Splits  []*Split
	Records int
}

// ReadError is a batch's failed read: Msg is what the batch's error says,
// Err the error it wraps (Records' own, for a record reader's failure).
type ReadError struct {
	Msg string
	Err error
}

func (e *ReadError) Error() string { return e.Msg }

// Read reads the files of a batch (names in dir) as r says, through run;
// its error is a *ReadError.
func Read(dir string, files []string, r Reading, run Runner) (Batch, error) {
	var b Batch
	var err error
	switch {
	case r.Objects != nil:
		for _, f := range files {
			ps, err := r.Objects(filepath.Join(dir, f))
			if err != nil {
				return Batch{}, &ReadError{err.Error(), err}
			}
			b.Parts = append(b.Parts, ps...)
		}
	case r.Records == nil:
		if b.Parts, b.Splits, b.Records, err = ReadText(dir, files, r.SplitSize, run); err != nil {
			return Batch{}, &ReadError{err.Error(), err}
		}
		return b, nil
	default:
		if b.Parts, err = ReadWith(dir, files, r.Records, run); err != nil {
			return Batch{}, &ReadError{err.Error(), errors.Unwrap(err)}
		}
	}
	for _, p := range b.Parts {
		b.Records += len(p)
	}
	return b, nil
}

// Position is the stream's State as a checkpoint holds it (JSON).
func (s *Stream) Position() ([]byte, error) { return json.Marshal(s.State()) }

// RestorePosition restores the State that Position wrote.
func (s *Stream) RestorePosition(pos []byte) error {
	var st State
	if err := json.Unmarshal(pos, &st); err != nil {
		return err
	}
	s.Restore(st)
	return nil
}
