package engine

import (
	"reflect"
	"sync"

	"github.com/gostream/gostream/engine/internal/checkpoint"
)

// State checkpoints: a full snapshot of a stateful stream's state, then
// deltas of what changed, chained on it; engine/internal/checkpoint writes
// and reads the chains, this file hands it the streams' state and says how
// the engine's elements split and compare.

// snapshot is the latest state of stream i for the checkpointer; false when
// it has none yet.
func (c *checkpointer) snapshot(i int) (checkpoint.Snapshot, bool) {
	d := c.streams[i]
	st, parts, ok := d.stateSnapshot()
	if !ok {
		return checkpoint.Snapshot{}, false
	}
	times, wparts := d.windowBatches()
	return checkpoint.Snapshot{Stream: i, Op: d.op, Time: int64(st), Parts: parts, WindowTimes: fromTimes(times), WindowParts: wparts}, true
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
