package checkpoint

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gostream/gostream/engine/internal/state"
)

// Snapshot is a stateful stream's state after a batch, as the engine hands
// it to Chains.Write: its partitions and the window batches it keeps.
type Snapshot struct {
	Stream      int    // the stream's index in the graph
	Op          string // the stream's operation, for errors
	Time        int64
	Parts       [][]any
	WindowTimes []int64
	WindowParts [][][]any
}

// Chains writes the state files of the stateful streams: per stream a full
// snapshot, then deltas of what changed chained on it (state.Image), with a
// new full snapshot every state.SnapshotEvery deltas. It is not safe for
// concurrent use.
type Chains struct {
	encode func([]any) ([]byte, error)
	split  state.Split
	same   state.Same
	images map[int]*state.Image // per stream: what its state files hold
}

// NewChains returns the state writer of a started context: encode encodes
// a partition, split and same are as in state.Image.Diff.
func NewChains(encode func([]any) ([]byte, error), split state.Split, same state.Same) *Chains {
	return &Chains{encode: encode, split: split, same: same, images: map[int]*state.Image{}}
}

// Staged is a state file written whose image becomes current once the
// metadata that refers to it is on disk.
type Staged struct {
	img   *state.Image
	delta *state.Delta
	split state.Split
}

// Commit makes the staged file what the chain holds; call it once the
// metadata referring to it is written.
func (s *Staged) Commit() { s.img.Commit(s.delta, s.split) }

// Reset forgets what every chain holds, so the next state file of each
// stream is a full snapshot: after a metadata write failed, the deltas
// written may or may not be referred to on disk.
func (c *Chains) Reset() {
	for _, im := range c.images {
		im.Reset()
	}
}

// Write writes s into d, a full snapshot or a delta on the chain cur (nil
// when no state file of the stream is referred to), and returns the
// reference the metadata must hold and the staged file to commit.
func (c *Chains) Write(d *Dir, s Snapshot, cur *StateRef) (*StateRef, *Staged, error) {
	img := c.images[s.Stream]
	if img == nil {
		img = state.NewImage(0)
		c.images[s.Stream] = img
	}
	if cur == nil {
		img.Reset() // no chain on disk to add to
	}
	delta := img.Diff(s.Parts, s.WindowTimes, c.split, c.same)
	enc, err := EncodeParts(s.Op, delta.Puts, c.encode)
	if err != nil {
		return nil, nil, err
	}
	st := State{Stream: s.Stream, Op: s.Op, Time: s.Time, Parts: enc, WindowTimes: s.WindowTimes}
	if !delta.Full {
		st.Delta, st.Base, st.WindowNew = true, cur.File, delta.Windows
		if st.Removed, err = EncodeParts(s.Op, delta.Removed, c.encode); err != nil {
			return nil, nil, err
		}
	}
	write := map[int64]bool{}
	for _, t := range delta.Windows {
		write[t] = true
	}
	for j, wp := range s.WindowParts {
		if !write[s.WindowTimes[j]] {
			continue
		}
		e, err := EncodeParts(s.Op, wp, c.encode)
		if err != nil {
			return nil, nil, err
		}
		st.WindowParts = append(st.WindowParts, e)
	}
	payload, err := json.Marshal(&st)
	if err != nil {
		return nil, nil, err
	}
	name, err := d.WriteState(s.Stream, s.Time, !delta.Full, payload)
	if err != nil {
		img.Reset()
		return nil, nil, err
	}
	ref := &StateRef{Stream: s.Stream, Time: s.Time, File: name}
	if !delta.Full {
		ref.File, ref.Deltas = cur.File, append(append([]string(nil), cur.Deltas...), name)
	}
	return ref, &Staged{img, delta, c.split}, nil
}

// Chain is a stateful stream's state put together from its state files.
type Chain struct {
	Ref         StateRef // the files read
	Parts       [][]any
	WindowTimes []int64
	WindowParts [][][]any
}

// ReadChain reads the state files of ref in dir, a full snapshot and its
// deltas, and puts the state together; meta names the metadata file that
// refers to them in errors, and the path returned names the file at fault.
func ReadChain(dir, meta string, ref StateRef, decode func([]byte) ([]any, error), split state.Split) (*Chain, string, error) {
	var base [][]any
	var deltas []*state.Delta
	win := map[int64][][]any{}
	var times []int64
	last := int64(0)
	for n, f := range ref.Files() {
		sp := filepath.Join(dir, f)
		data, err := os.ReadFile(sp)
		if err != nil {
			return nil, sp, err
		}
		st, parts, winParts, err := DecodeState(data, decode)
		if err != nil {
			return nil, sp, err
		}
		switch {
		case st.Stream != ref.Stream:
			err = fmt.Errorf("corrupt: holds the state of stream %d, the metadata %s expects stream %d", st.Stream, meta, ref.Stream)
		case n == 0 && st.Delta:
			err = fmt.Errorf("corrupt: a delta where the metadata %s expects the full snapshot its deltas are chained on", meta)
		case n > 0 && (!st.Delta || st.Base != ref.File):
			err = fmt.Errorf("corrupt: not a delta on %s, as the metadata %s expects", ref.File, meta)
		case n > 0 && st.Time <= last:
			err = fmt.Errorf("corrupt: a delta at %s after one at %s", ms(st.Time), ms(last))
		case n > 0 && len(parts) != len(base):
			err = fmt.Errorf("corrupt: a delta of %d partitions on a snapshot of %d", len(parts), len(base))
		}
		if err != nil {
			return nil, sp, err
		}
		last, times = st.Time, st.WindowTimes
		wt := st.WindowTimes
		if st.Delta {
			wt = st.WindowNew
		}
		for j, t := range wt {
			win[t] = winParts[j]
		}
		if n == 0 {
			base = parts
			continue
		}
		removed, err := DecodeParts(st.Removed, decode)
		if err != nil {
			return nil, sp, err
		}
		deltas = append(deltas, &state.Delta{Puts: parts, Removed: removed})
	}
	if last != ref.Time {
		return nil, filepath.Join(dir, ref.Files()[len(ref.Files())-1]), fmt.Errorf("corrupt: holds the state of stream %d at %s, the metadata %s expects stream %d at %s", ref.Stream, ms(last), meta, ref.Stream, ms(ref.Time))
	}
	out := &Chain{Ref: ref, Parts: state.Apply(base, deltas, split)}
	for _, t := range times {
		wp, ok := win[t]
		if !ok {
			return nil, filepath.Join(dir, ref.File), fmt.Errorf("corrupt: the window batch of %s is in none of the state files %v", ms(t), ref.Files())
		}
		out.WindowTimes = append(out.WindowTimes, t)
		out.WindowParts = append(out.WindowParts, wp)
	}
	return out, "", nil
}
