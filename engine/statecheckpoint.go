package engine

import (
	"github.com/gostream/gostream/engine/internal/checkpoint"
	"github.com/gostream/gostream/engine/internal/num"
	"github.com/gostream/gostream/engine/internal/state"
)

// State checkpoints: a full snapshot of a stateful stream's state, then
// deltas of what changed, chained on it; engine/internal/checkpoint writes
// and reads the chains, this file hands it the streams' state and says how
// the engine's elements split and compare.

// snapshot is the latest state of stream i for the checkpointer; false when
// it has none yet.
func (ssc *StreamingContext) snapshot(i int) (checkpoint.Snapshot, bool) {
	ssc.mu.Lock()
	d := ssc.streams[i]
	ssc.mu.Unlock()
	st, parts, ok := d.stateSnapshot()
	if !ok {
		return checkpoint.Snapshot{}, false
	}
	times, wparts := d.windowBatches()
	return checkpoint.Snapshot{Stream: i, Op: d.op, Time: int64(st), Parts: parts, WindowTimes: num.Convert[int64](times), WindowParts: wparts}, true
}

// splitPair splits a state element, a Pair, into key and state.
func splitPair(x any) (any, any) {
	if kv, ok := x.(Pair); ok {
		return kv.Key, kv.Value
	}
	return x, nil
}

// sameState reports whether a checkpoint may skip state b because it wrote
// a (engine/internal/state's Plain).
var sameState state.Same = state.Plain[Pair, Time]
