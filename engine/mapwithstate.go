package engine

import (
	"fmt"
	"time"

	"github.com/gostream/gostream/engine/internal/exec"
	"github.com/gostream/gostream/engine/internal/state"
)

// MapWithState, after Spark 1.6's mapWithState: a function called for every
// record with the record's key, value and the key's State, whose results
// form the stream; the states are kept per key across batches.
//
// Each batch the records are hash-partitioned by key (keeping their order)
// and, partition by partition, the function runs on each record in turn,
// then (with a Timeout) once more, with a nil value, for every key that has
// had no record for longer than the timeout, after which the key is removed.
// Timeouts are checked every batch (Spark checks them at checkpoints).

// State is a key's state inside a MapWithState function.
type State struct {
	op string
	c  state.Cell
}

// Exists reports whether the key has a state.
func (s *State) Exists() bool { return s.c.Exists }

// Get returns the state, or nil when there is none.
func (s *State) Get() any {
	if !s.c.Exists {
		return nil
	}
	return s.c.Value
}

// Update sets the state. It panics when the key is timing out or the state
// was removed in the same call.
func (s *State) Update(v any) {
	if s.c.TimingOut {
		panic(&Error{Op: s.op, Msg: fmt.Sprintf("State.Update: cannot update the state of key %s, which is timing out", Format(s.c.Key))})
	}
	if s.c.Removed {
		panic(&Error{Op: s.op, Msg: fmt.Sprintf("State.Update: cannot update the state of key %s after Remove", Format(s.c.Key))})
	}
	s.c.Value, s.c.Exists, s.c.Updated = v, true, true
}

// Remove removes the state. It panics when the key is timing out (it is
// removed anyway) or the state was already removed.
func (s *State) Remove() {
	if s.c.TimingOut {
		panic(&Error{Op: s.op, Msg: fmt.Sprintf("State.Remove: cannot remove the state of key %s, which is timing out (it is removed anyway)", Format(s.c.Key))})
	}
	if s.c.Removed {
		panic(&Error{Op: s.op, Msg: fmt.Sprintf("State.Remove: the state of key %s was already removed", Format(s.c.Key))})
	}
	s.c.Value, s.c.Exists, s.c.Removed = nil, false, true
}

// IsTimingOut reports whether the call is the last for a key that timed out.
func (s *State) IsTimingOut() bool { return s.c.TimingOut }

func (s *State) String() string {
	if !s.c.Exists {
		return "<state: none>"
	}
	return fmt.Sprintf("<state: %s>", Format(s.c.Value))
}

// StateSpec describes a MapWithState operation: the function and, set by
// chained calls, the initial state, number of partitions and timeout.
type StateSpec struct {
	fn       mapStateFunc
	initial  *RDD
	numParts int
	timeout  time.Duration
}

// mapStateFunc is a mapping function in the engine's form: the result and
// whether to emit it.
type mapStateFunc = exec.MapStateFunc[Time, *State]

const mapStateShape = "a func(key K, value *V, state *engine.State) R or func(t engine.Time, key K, value *V, state *engine.State) (R, bool)"

// StateSpecFunc returns the spec of a MapWithState whose function f is
// func(key K, value *V, state *engine.State) R or func(t engine.Time, key K,
// value *V, state *engine.State) (R, bool), where false emits nothing. value
// is nil when the call is for a key that is timing out.
func StateSpecFunc(f any) *StateSpec {
	return &StateSpec{fn: newMapStateFunc(f)}
}

// InitialState sets the states of the first batch: an RDD of (key, state) pairs.
func (s *StateSpec) InitialState(rdd *RDD) *StateSpec {
	if rdd == nil {
		buildErrorf("StateSpec.InitialState", "want an *RDD, got nil")
	}
	s.initial = rdd
	return s
}

// NumPartitions sets the number of partitions of the state (default N of local[N]).
func (s *StateSpec) NumPartitions(n int) *StateSpec {
	if n <= 0 {
		buildErrorf("StateSpec.NumPartitions", "want a positive number of partitions, got %d", n)
	}
	s.numParts = n
	return s
}

// Timeout removes the state of keys that receive no record for longer than
// d, after a last call of the function with a nil value.
func (s *StateSpec) Timeout(d time.Duration) *StateSpec {
	if d <= 0 {
		buildErrorf("StateSpec.Timeout", "want a positive duration, got %v", d)
	}
	s.timeout = d
	return s
}

func newMapStateFunc(f any) mapStateFunc {
	// Shape errors name StateSpecFunc; run-time failures name MapWithState.
	const op = "MapWithState"
	return exec.MapState[Pair, Time, *State](adapt, op, "StateSpecFunc", f, mapStateShape,
		func(key, value any, has bool, r any) { stateGuard(op, key, value, has, r) })
}

// stateGuard is guard for mapping functions: misuse of State fails the batch
// with State's own message.
func stateGuard(op string, key, value any, has bool, r any) {
	if e, ok := r.(*Error); ok && e.Op == op {
		panic(taskFailure{e})
	}
	detail := ", timing out"
	if has {
		detail = " with a value of type " + typeName(value)
	}
	guardKey(op, key, detail, r)
}

// MapWithStateDStream is the stream of a MapWithState's results; its
// StateSnapshots are the states after each batch.
type MapWithStateDStream struct {
	*DStream
	snapshots *DStream
}

// StateSnapshots returns the stream of every key's state after each batch:
// (key, state) pairs.
func (m *MapWithStateDStream) StateSnapshots() *DStream { return m.snapshots }

// MapWithState maps every record (a (key, value) Pair) with spec's function,
// which reads and updates the key's State; the results form the returned
// stream. See StateSpecFunc.
func (d *DStream) MapWithState(spec *StateSpec) *MapWithStateDStream {
	const op = "MapWithState"
	if spec == nil || spec.fn == nil {
		buildErrorf(op, "want a *StateSpec made by engine.StateSpecFunc, got nil")
	}
	n := spec.numParts
	if n == 0 {
		n = d.ssc.ex.parallelism
	}
	ms := &mapState{op: op, n: n, ex: d.ssc.ex, spec: spec, unhashable: unhashableKey(op)}
	inner := d.ssc.newDStream(op, []*DStream{d}, d.slide, nil)
	inner.state = ms
	inner.compute = func(t Time) *RDD {
		parent := d.getOrCompute(t)
		return ms.compute(t, parent)
	}
	mapped := inner.derive(op, func(r *RDD, t Time) *RDD {
		return newRDD(r.ex, op, r.n, []*RDD{r}, func(p int, emit func(any)) {
			r.iterate(p, state.EachMapped(emit))
		}).at(t)
	})
	snaps := inner.derive(op+".StateSnapshots", func(r *RDD, t Time) *RDD {
		return newRDD(r.ex, op, r.n, []*RDD{r}, func(p int, emit func(any)) {
			r.iterate(p, state.EachState[Pair](emit))
		}).at(t)
	})
	return &MapWithStateDStream{DStream: mapped, snapshots: snaps}
}

// statePart is one partition of a MapWithState's state after a batch.
type statePart = state.Part

// mapState holds the latest state of a MapWithState.
type mapState struct {
	op     string
	n      int
	ex     *executor
	spec   *StateSpec
	latest state.Latest[[]*statePart]
	// unhashable fails a key that cannot be hashed (unhashableKey).
	unhashable func(k, r any)
}

func (ms *mapState) compute(t Time, parent *RDD) *RDD {
	op := ms.op
	prev, _, ok := ms.latest.Begin(int64(t))
	if !ok {
		return nil
	}
	cm := ms.ex.cluster
	var touched [][]int32 // in a cluster job: the slots each partition's batch wrote
	if cm != nil {
		// A cluster job's state is its partitions' changelogs (cluster_state.go).
		prev, touched = cm.mapBase(ms, t), make([][]int32, ms.n)
	} else if prev == nil && ms.spec.initial != nil {
		prev = ms.fromPairs(partitionPairs(op, ms.spec.initial, ms.n).Partitions(), func(x any) (any, Time) { return x, t })
	}
	var parted *RDD
	if parent != nil {
		parted = partitionPairs(op, parent, ms.n)
		parted.ready()
	}
	step := state.MapStep[Pair, Time, *State]{Prev: prev, Wrote: touched, Unhashable: ms.unhashable,
		Batch: state.MapBatch[Pair, Time, *State]{Fn: ms.spec.fn, Timeout: ms.spec.timeout > 0, Threshold: int64(t.Sub(ms.spec.timeout))}}
	parts := make([]*statePart, ms.n)
	ms.ex.run(op, t, ms.n, func(q int) {
		var records []any
		if parted != nil {
			records = parted.partition(q)
		}
		st := &State{op: op}
		parts[q] = step.Partition(q, records, st, &st.c, t, int64(t))
	})
	if cm != nil {
		cm.mapSet(ms, t, parts, touched)
	}
	ms.latest.Done(int64(t), parts)
	return materialized(ms.ex, op, state.Boxed(parts)).at(t)
}

// fromPairs builds state partitions from hash-partitioned elements; entry
// gives each element's (key, state) pair and update time.
func (ms *mapState) fromPairs(parts [][]any, entry func(x any) (any, Time)) []*statePart {
	return state.PartsOf(parts, ms.unhashable, func(x any) (any, any, int64) {
		e, t := entry(x)
		kv := e.(Pair)
		return kv.Key, kv.Value, int64(t)
	})
}

func (ms *mapState) snapshot() (Time, [][]any, bool) {
	t, parts, has := ms.latest.Get()
	if !has {
		return 0, nil, false
	}
	return Time(t), state.Snapshot[Pair, Time](parts), true
}

func (ms *mapState) restore(t Time, parts [][]any) {
	restoring := func(format string) func(v any) {
		return func(v any) { panic(&Error{Op: ms.op, Msg: fmt.Sprintf("restoring state: "+format, typeName(v))}) }
	}
	ms.latest.Restore(int64(t), state.PartsOfSnapshot[Pair, Time](rehash(ms.op, parts, ms.n), ms.unhashable,
		restoring("value of type %s where Pair{state, Time} was expected"),
		restoring("update time of type %s where engine.Time was expected")))
}
