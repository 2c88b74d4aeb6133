package engine

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"

	"github.com/gostream/gostream/engine/internal/state"
)

// State checkpoints: a full snapshot of a stateful stream's state, then
// deltas of what changed, chained on it (engine/internal/state), with a new
// full snapshot every state.SnapshotEvery deltas.

// stagedState is a state file written whose image becomes current once the
// metadata that refers to it is on disk.
type stagedState struct {
	img   *state.Image
	delta *state.Delta
}

// writeState writes d's latest state, a full snapshot or a delta on the
// chain cur; nil when d has none yet.
func (c *checkpointer) writeState(d *DStream, cur *ckptStateRef) (*ckptStateRef, *stagedState, error) {
	st, parts, ok := d.stateSnapshot()
	if !ok {
		return nil, nil, nil
	}
	i := c.index[d]
	img := c.images[d]
	if img == nil {
		img = state.NewImage(0)
		c.images[d] = img
	}
	if cur == nil {
		img.Reset() // no chain on disk to add to
	}
	times, wparts := d.windowBatches()
	wt := make([]int64, len(times))
	for j, t := range times {
		wt[j] = int64(t)
	}
	delta := img.Diff(parts, wt, splitPair, sameState)
	enc, err := encodeParts(d.op, delta.Puts)
	if err != nil {
		return nil, nil, err
	}
	s := ckptState{Stream: i, Op: d.op, Time: int64(st), Parts: enc, WindowTimes: wt}
	if !delta.Full {
		s.Delta, s.Base, s.WindowNew = true, cur.File, delta.Windows
		if s.Removed, err = encodeParts(d.op, delta.Removed); err != nil {
			return nil, nil, err
		}
	}
	write := map[int64]bool{}
	for _, t := range delta.Windows {
		write[t] = true
	}
	for j, wp := range wparts {
		if !write[wt[j]] {
			continue
		}
		e, err := encodeParts(d.op, wp)
		if err != nil {
			return nil, nil, err
		}
		s.WindowParts = append(s.WindowParts, e)
	}
	payload, err := json.Marshal(&s)
	if err != nil {
		return nil, nil, err
	}
	name, err := c.files.WriteState(i, int64(st), !delta.Full, payload)
	if err != nil {
		img.Reset()
		return nil, nil, err
	}
	ref := &ckptStateRef{Stream: i, Time: int64(st), File: name}
	if !delta.Full {
		ref.File, ref.Deltas = cur.File, append(append([]string(nil), cur.Deltas...), name)
	}
	return ref, &stagedState{img, delta}, nil
}

// splitPair splits a state element, a Pair, into key and state.
func splitPair(x any) (any, any) {
	if kv, ok := x.(Pair); ok {
		return kv.Key, kv.Value
	}
	return x, nil
}

// sameState reports whether a checkpoint may skip state b because it wrote
// a: only values that cannot change behind the engine's back (numbers,
// strings, times, and Pairs and structs of those) are compared; any other
// (pointers, slices, maps) is always written.
func sameState(a, b any) bool {
	switch x := a.(type) {
	case int:
		y, ok := b.(int)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case int64:
		y, ok := b.(int64)
		return ok && x == y
	case float64:
		y, ok := b.(float64)
		return ok && x == y
	case Time:
		y, ok := b.(Time)
		return ok && x == y
	case Pair:
		y, ok := b.(Pair)
		return ok && sameState(x.Key, y.Key) && sameState(x.Value, y.Value)
	case nil:
		return b == nil
	}
	ta := reflect.TypeOf(a)
	if ta != reflect.TypeOf(b) || !plainType(ta) {
		return false
	}
	return a == b
}

var plainTypes sync.Map // reflect.Type → bool

// plainType reports whether values of t are compared with == by value
// alone: no pointers, interfaces, slices, maps, channels or funcs inside.
func plainType(t reflect.Type) bool {
	if v, ok := plainTypes.Load(t); ok {
		return v.(bool)
	}
	var plain bool
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128, reflect.String:
		plain = true
	case reflect.Array:
		plain = plainType(t.Elem())
	case reflect.Struct:
		plain = true
		for i := 0; i < t.NumField() && plain; i++ {
			plain = plainType(t.Field(i).Type)
		}
	}
	plainTypes.Store(t, plain)
	return plain
}

// readState reads the state files of ref, a full snapshot and its deltas,
// and puts the state together; the error names the file at fault.
func readState(dir, meta string, ref ckptStateRef) (recoveredState, string, error) {
	var out recoveredState
	out.ref = ref
	var base [][]any
	var deltas []*state.Delta
	win := map[int64][][]any{}
	var times []int64
	last := int64(0)
	for n, f := range ref.Files() {
		sp := filepath.Join(dir, f)
		data, err := os.ReadFile(sp)
		if err != nil {
			return out, sp, err
		}
		st, parts, winParts, err := decodeState(data)
		if err != nil {
			return out, sp, err
		}
		switch {
		case st.Stream != ref.Stream:
			err = fmt.Errorf("corrupt: holds the state of stream %d, the metadata %s expects stream %d", st.Stream, meta, ref.Stream)
		case n == 0 && st.Delta:
			err = fmt.Errorf("corrupt: a delta where the metadata %s expects the full snapshot its deltas are chained on", meta)
		case n > 0 && (!st.Delta || st.Base != ref.File):
			err = fmt.Errorf("corrupt: not a delta on %s, as the metadata %s expects", ref.File, meta)
		case n > 0 && st.Time <= last:
			err = fmt.Errorf("corrupt: a delta at %s after one at %s", Time(st.Time), Time(last))
		case n > 0 && len(parts) != len(base):
			err = fmt.Errorf("corrupt: a delta of %d partitions on a snapshot of %d", len(parts), len(base))
		}
		if err != nil {
			return out, sp, err
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
		removed, err := decodeParts(st.Removed)
		if err != nil {
			return out, sp, err
		}
		deltas = append(deltas, &state.Delta{Puts: parts, Removed: removed})
	}
	if last != ref.Time {
		return out, filepath.Join(dir, ref.Files()[len(ref.Files())-1]), fmt.Errorf("corrupt: holds the state of stream %d at %s, the metadata %s expects stream %d at %s", ref.Stream, Time(last), meta, ref.Stream, Time(ref.Time))
	}
	out.parts = state.Apply(base, deltas, splitPair)
	for _, t := range times {
		wp, ok := win[t]
		if !ok {
			return out, filepath.Join(dir, ref.File), fmt.Errorf("corrupt: the window batch of %s is in none of the state files %v", Time(t), ref.Files())
		}
		out.winTimes = append(out.winTimes, Time(t))
		out.winParts = append(out.winParts, wp)
	}
	return out, "", nil
}
