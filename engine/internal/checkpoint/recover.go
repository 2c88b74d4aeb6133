package checkpoint

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/gostream/gostream/engine/internal/state"
)

// Recovered is what a recovery starts from: the newest metadata of a
// checkpoint directory (Load), its file and the state chains it refers to.
type Recovered struct {
	Path   string
	Meta   *Meta
	States []*Chain
}

// ReadStates reads the state chains that meta, read from the file at path
// in dir, refers to (ReadChain). On an error, the path is the file at
// fault.
func ReadStates(dir, path string, meta *Meta, decode func([]byte) ([]any, error), split state.Split) (*Recovered, string, error) {
	rec := &Recovered{Path: path, Meta: meta}
	for _, ref := range meta.States {
		st, sp, err := ReadChain(dir, filepath.Base(path), ref, decode, split)
		if err != nil {
			return nil, sp, err
		}
		rec.States = append(rec.States, st)
	}
	return rec, "", nil
}

// Resume checks that a rebuilt graph, its streams described by graph,
// matches meta, read from the file at path in dir (Meta.Match), and reads
// the state chains meta refers to (ReadStates). On an error, the path is
// the file at fault.
func Resume(dir, path string, meta *Meta, batch time.Duration, master string, graph []Stream, decode func([]byte) ([]any, error), split state.Split) (*Recovered, string, error) {
	inputs := 0
	for _, s := range graph {
		if s.Input {
			inputs++
		}
	}
	if err := meta.Match(batch, master, Fingerprint(graph), inputs); err != nil {
		return nil, path, err
	}
	return ReadStates(dir, path, meta, decode, split)
}

// RecoverError is an input that Recover could not put back: Msg names the
// checkpoint file and the input, Time the batch (0 for a position), and
// Err wraps ErrBad and the input's error.
type RecoverError struct {
	Time int64
	Msg  string
	Err  error
}

func (e *RecoverError) Error() string { return e.Msg }
func (e *RecoverError) Unwrap() error { return e.Err }

// Recover puts the inputs back as rec's metadata recorded them: input by
// input, in order, its position (Source.Restore), then the batches it
// handed over that recovery still needs (Source.Rebuild). It returns the
// number of records of each rebuilt batch time, summed over the inputs.
// Call it after SetSource, before the inputs start.
func (c *Checkpointer) Recover(rec *Recovered) (map[int64]int, error) {
	c.mu.Lock()
	inputs := c.inputs
	c.mu.Unlock()
	records := map[int64]int{}
	for i, s := range inputs {
		in := rec.Meta.Inputs[i]
		if s.Restore != nil && in.Position != nil {
			if err := s.Restore(in.Position); err != nil {
				return nil, &RecoverError{Msg: fmt.Sprintf("checkpoint %s: restoring the position of %s: %v", rec.Path, c.meta.Inputs[i].Op, err), Err: errors.Join(ErrBad, err)}
			}
		}
		for _, b := range in.Batches {
			n := 0
			if s.Rebuild != nil {
				var err error
				if n, err = s.Rebuild(b.Time, b.Data); err != nil {
					return nil, &RecoverError{Time: b.Time, Msg: fmt.Sprintf("checkpoint %s: rebuilding the input of %s: %v", rec.Path, c.meta.Inputs[i].Op, err), Err: errors.Join(ErrBad, err)}
				}
			}
			records[b.Time] += n
		}
	}
	return records, nil
}

// Resumed tells the started inputs that the last batch generated before
// the restart is t.
func (c *Checkpointer) Resumed(t int64) {
	c.mu.Lock()
	inputs := c.inputs
	c.mu.Unlock()
	for _, s := range inputs {
		if s.Resumed != nil {
			s.Resumed(t)
		}
	}
}
