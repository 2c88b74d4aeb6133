package engine

import (
	"fmt"
	"reflect"
	"sync"
)

// State of stateful streams, and how checkpoints reach it.
//
// Three kinds of stream hold state from batch to batch: UpdateStateByKey
// streams, the internal stream behind MapWithState, and incremental windows
// (ReduceByKeyAndWindow with Inverse, ReduceByWindow with Inverse,
// CountByValueAndWindow, CountByKeyAndWindow). Each keeps its latest state
// RDD, materialized every batch so lineage never grows, in a stateHolder set
// on the DStream's state field. Checkpointing walks ssc.streams (the order is
// that of construction, so the same create function rebuilds the same list)
// and, between batches (never while one runs), uses:
//
//	d.stateSnapshot() (t Time, parts [][]any, ok bool)
//	    The latest state and the batch time it belongs to; ok is false when
//	    d holds no state or has none yet. parts are the state RDD's hash
//	    partitions; every element is a Pair:
//	      UpdateStateByKey:  Pair{key, state}
//	      MapWithState:      Pair{key, Pair{state, Time(last update)}}
//	      windows:           Pair{key, windowed value}
//	d.restoreState(t Time, parts [][]any)
//	    Makes parts (as returned by stateSnapshot, any number of partitions)
//	    the state the next batch starts from. Call before Start.
//	d.windowBatches() (times []Time, parts [][][]any)
//	d.restoreWindowBatches(times []Time, parts [][][]any)
//	    Incremental windows only: the per-batch reduced values (Pair{key,
//	    value}) that later windows still read: those inside the latest
//	    window, which they subtract with the inverse function, and those of
//	    batches run since it (a window sliding over several batches), oldest
//	    first. Restore them with the state, before the next batch.
//
// Streams derived from a stateful one (MapWithState's mapped values and
// StateSnapshots, ReduceByWindow's values) hold no state themselves.

// stateHolder is the state of one stateful stream.
type stateHolder interface {
	snapshot() (Time, [][]any, bool)
	restore(t Time, parts [][]any)
}

// isStateful reports whether d holds state across batches.
func (d *DStream) isStateful() bool { return d.state != nil }

// stateSnapshot returns d's latest state; see the comment at the top of state.go.
func (d *DStream) stateSnapshot() (t Time, parts [][]any, ok bool) {
	if d.state == nil {
		return 0, nil, false
	}
	return d.state.snapshot()
}

// restoreState sets the state d's next batch starts from.
func (d *DStream) restoreState(t Time, parts [][]any) {
	if d.state == nil {
		panic(&Error{Op: d.op, Msg: "restoring state: the stream holds no state"})
	}
	d.state.restore(t, parts)
}

// windowBatches returns the reduced batches inside an incremental window.
func (d *DStream) windowBatches() (times []Time, parts [][][]any) {
	if ws, ok := d.state.(*windowState); ok {
		return ws.batches()
	}
	return nil, nil
}

// restoreWindowBatches restores what windowBatches returned.
func (d *DStream) restoreWindowBatches(times []Time, parts [][][]any) {
	if ws, ok := d.state.(*windowState); ok {
		ws.restoreBatches(times, parts)
	}
}

// keyIndex maps keys to slots, with a fast path for strings and ints.
type keyIndex struct {
	op   string
	strs map[string]int32
	ints map[int]int32
	anys map[any]int32
}

func newKeyIndex(op string) *keyIndex { return &keyIndex{op: op} }

// reserve sizes the string index for n keys, the common case.
func (x *keyIndex) reserve(n int) {
	if x.strs == nil && n > 0 {
		x.strs = make(map[string]int32, n)
	}
}

func (x *keyIndex) get(k any) (int32, bool) {
	switch v := k.(type) {
	case string:
		i, ok := x.strs[v]
		return i, ok
	case int:
		i, ok := x.ints[v]
		return i, ok
	}
	defer x.unhashable(k)
	i, ok := x.anys[k]
	return i, ok
}

func (x *keyIndex) put(k any, i int32) {
	switch v := k.(type) {
	case string:
		if x.strs == nil {
			x.strs = make(map[string]int32)
		}
		x.strs[v] = i
		return
	case int:
		if x.ints == nil {
			x.ints = make(map[int]int32)
		}
		x.ints[v] = i
		return
	}
	if x.anys == nil {
		x.anys = make(map[any]int32)
	}
	defer x.unhashable(k)
	x.anys[k] = i
}

func (x *keyIndex) unhashable(k any) {
	if r := recover(); r != nil {
		panic(taskFailure{&Error{Op: x.op, Msg: fmt.Sprintf("key of type %s cannot be hashed: %v", typeName(k), r)}})
	}
}

// pairChunks is a list of pairs kept in fixed-size chunks, so appending
// never copies what is already there.
type pairChunks [][]Pair

const pairChunkSize = 1024

func (c *pairChunks) add(kv Pair) {
	cs := *c
	if len(cs) == 0 || len(cs[len(cs)-1]) == pairChunkSize {
		size := pairChunkSize
		if len(cs) == 0 {
			size = 16 // most buckets of small batches stay small
		}
		cs = append(cs, make([]Pair, 0, size))
	}
	last := &cs[len(cs)-1]
	if len(*last) == cap(*last) {
		grown := make([]Pair, len(*last), pairChunkSize)
		copy(grown, *last)
		*last = grown
	}
	*last = append(*last, kv)
	*c = cs
}

// bucketPairs splits the pairs of r into n hash buckets per input partition,
// keeping their order: buckets[p][q] holds partition p's pairs for q.
func bucketPairs(op string, r *RDD, n int) [][]pairChunks {
	if cm := r.ex.cluster; cm != nil {
		if id := cm.shuffleID(op); id != "" {
			return cm.bucketPairs(id, op, r, n)
		}
	}
	r.ready()
	buckets := make([][]pairChunks, r.n)
	r.ex.run(op, r.time, r.n, func(p int) {
		b := make([]pairChunks, n)
		r.iterate(p, func(x any) {
			kv, ok := x.(Pair)
			if !ok {
				failElem(op, x, "engine.Pair")
			}
			b[partitionOf(kv.Key, n)].add(kv)
		})
		buckets[p] = b
	})
	return buckets
}

// updateFunc is a user state-update function in the engine's form: new
// state and whether to keep the key.
type updateFunc func(t Time, key any, values []any, state any, has bool) (any, bool)

const updateShape = "a func(values []V, state *S) *S or func(t engine.Time, key K, values []V, state *S) *S"

// newUpdateFunc checks f's shape and adapts it, with fast paths for common
// int and string shapes.
func newUpdateFunc(op string, f any) updateFunc {
	switch g := f.(type) {
	case func([]int, *int) *int:
		return func(_ Time, key any, values []any, state any, has bool) (any, bool) {
			return intUpdate(op, key, values, state, has, func(vs []int, s *int) *int { return g(vs, s) })
		}
	case func(Time, string, []int, *int) *int:
		return func(t Time, key any, values []any, state any, has bool) (any, bool) {
			k, ok := key.(string)
			if !ok {
				failElem(op, key, "string")
			}
			return intUpdate(op, key, values, state, has, func(vs []int, s *int) *int { return g(t, k, vs, s) })
		}
	case func(Time, any, []int, *int) *int:
		return func(t Time, key any, values []any, state any, has bool) (any, bool) {
			return intUpdate(op, key, values, state, has, func(vs []int, s *int) *int { return g(t, key, vs, s) })
		}
	case func([]any, *any) *any:
		return func(_ Time, key any, values []any, state any, has bool) (any, bool) {
			var sp *any
			if has {
				s := state
				sp = &s
			}
			var res *any
			func() {
				defer func() { guardKey(op, key, "", recover()) }()
				res = g(values, sp)
			}()
			if res == nil {
				return nil, false
			}
			return *res, true
		}
	}
	t := funcType(op, f, updateShape)
	var withKey bool
	switch {
	case t.NumIn() == 2 && t.NumOut() == 1:
	case t.NumIn() == 4 && t.NumOut() == 1 && t.In(0) == timeType:
		withKey = true
	default:
		buildErrorf(op, "want %s, got %s", updateShape, t)
	}
	vi, si := 0, 1
	if withKey {
		vi, si = 2, 3
	}
	vt, st := t.In(vi), t.In(si)
	if vt.Kind() != reflect.Slice || st.Kind() != reflect.Pointer || t.Out(0) != st {
		buildErrorf(op, "want %s, got %s", updateShape, t)
	}
	fv := reflect.ValueOf(f)
	var keyType reflect.Type
	if withKey {
		keyType = t.In(1)
	}
	return func(bt Time, key any, values []any, state any, has bool) (any, bool) {
		vs := reflect.MakeSlice(vt, len(values), len(values))
		for i, v := range values {
			vs.Index(i).Set(argValue(op, v, vt.Elem()))
		}
		sp := reflect.Zero(st)
		if has {
			sp = reflect.New(st.Elem())
			sp.Elem().Set(argValue(op, state, st.Elem()))
		}
		args := []reflect.Value{vs, sp}
		if withKey {
			args = []reflect.Value{reflect.ValueOf(bt), argValue(op, key, keyType), vs, sp}
		}
		var out reflect.Value
		func() {
			defer func() { guardKey(op, key, "", recover()) }()
			out = fv.Call(args)[0]
		}()
		if out.IsNil() {
			return nil, false
		}
		return out.Elem().Interface(), true
	}
}

func intUpdate(op string, key any, values []any, state any, has bool, g func([]int, *int) *int) (any, bool) {
	vs := make([]int, len(values))
	for i, v := range values {
		n, ok := v.(int)
		if !ok {
			failElem(op, v, "int")
		}
		vs[i] = n
	}
	var sp *int
	if has {
		n, ok := state.(int)
		if !ok {
			failElem(op, state, "int")
		}
		sp = &n
	}
	var res *int
	func() {
		defer func() { guardKey(op, key, "", recover()) }()
		res = g(vs, sp)
	}()
	if res == nil {
		return nil, false
	}
	return *res, true
}

// UpdateStateByKey keeps a state per key across batches. f is
// func(values []V, state *S) *S or func(t engine.Time, key K, values []V,
// state *S) *S: every batch it runs for every key that has a state or new
// values (values is empty when none arrived; state is nil for a new key) and
// returns the new state, or nil to remove the key. The stream's elements are
// (key, state) pairs, the state value itself. Options: InitialState(rdd) of
// (key, state) pairs, NumTasks(n) partitions of the state (default N of
// local[N]).
func (d *DStream) UpdateStateByKey(f any, opts ...OpOption) *DStream {
	const op = "UpdateStateByKey"
	update := newUpdateFunc(op, f)
	o := d.ssc.ex.opOptions(op, opts, "NumTasks", "InitialState")
	n := o.numTasks
	ex := d.ssc.ex
	st := &stateRDD{op: op, n: n, ex: ex}
	if o.initialState != nil {
		st.initial = o.initialState
	}
	s := d.ssc.newDStream(op, []*DStream{d}, d.slide, nil)
	s.state = st
	s.compute = func(t Time) *RDD {
		prev, fresh := st.base(t)
		if prev == nil && !fresh {
			return nil
		}
		parent := d.getOrCompute(t)
		var buckets [][]pairChunks
		if parent != nil {
			buckets = bucketPairs(op, parent, n)
		}
		var prevParts [][]any
		if prev != nil {
			prevParts = prev
		}
		parts := make([][]any, n)
		ex.run(op, t, n, func(q int) {
			idx := newKeyIndex(op)
			type slot struct {
				key         any
				state       any
				has         bool
				start, size int32 // the key's values in vals
			}
			var prevPart []any
			if prevParts != nil {
				prevPart = prevParts[q]
			}
			records := 0
			for _, b := range buckets {
				for _, chunk := range b[q] {
					records += len(chunk)
				}
			}
			idx.reserve(len(prevPart) + records/4)
			slots := make([]slot, 0, len(prevPart)+records/4)
			for _, x := range prevPart {
				kv, ok := x.(Pair)
				if !ok {
					failElem(op, x, "engine.Pair")
				}
				idx.put(kv.Key, int32(len(slots)))
				slots = append(slots, slot{key: kv.Key, state: kv.Value, has: true})
			}
			// Two passes put every key's values side by side in one
			// slice: the first finds each record's slot and counts.
			recSlot := make([]int32, records)
			r := 0
			for _, b := range buckets {
				for _, chunk := range b[q] {
					for _, kv := range chunk {
						i, ok := idx.get(kv.Key)
						if !ok {
							i = int32(len(slots))
							idx.put(kv.Key, i)
							slots = append(slots, slot{key: kv.Key})
						}
						slots[i].size++
						recSlot[r] = i
						r++
					}
				}
			}
			off := int32(0)
			for i := range slots {
				slots[i].start = off
				off += slots[i].size
				slots[i].size = 0
			}
			vals := make([]any, records)
			r = 0
			for _, b := range buckets {
				for _, chunk := range b[q] {
					for _, kv := range chunk {
						sl := &slots[recSlot[r]]
						vals[sl.start+sl.size] = kv.Value
						sl.size++
						r++
					}
				}
			}
			part := make([]any, 0, len(slots))
			for i := range slots {
				sl := &slots[i]
				end := sl.start + sl.size
				values := vals[sl.start:end:end]
				if ns, keep := update(t, sl.key, values, sl.state, sl.has); keep {
					part = append(part, Pair{sl.key, ns})
				}
			}
			parts[q] = part
		})
		r := materialized(ex, op, parts).at(t)
		st.set(t, parts)
		return r
	}
	return s
}

// stateRDD holds the latest state of an UpdateStateByKey stream.
type stateRDD struct {
	op      string
	n       int
	ex      *executor
	initial *RDD

	mu       sync.Mutex
	t        Time
	parts    [][]any
	has      bool
	computed Time // the latest batch computed here (not restored)
}

// base returns the state batch t starts from; fresh reports that there is
// none yet (the first batch). prev is nil and fresh false when t was
// already computed: an old time the stream no longer remembers.
func (s *stateRDD) base(t Time) (prev [][]any, fresh bool) {
	s.mu.Lock()
	if s.computed != 0 && t <= s.computed {
		s.mu.Unlock()
		return nil, false
	}
	if cm := s.ex.cluster; cm != nil {
		// A cluster job's state is its partitions' changelogs (cluster_state.go).
		s.mu.Unlock()
		return cm.stateBase(s, t), false
	}
	if s.has {
		defer s.mu.Unlock()
		return s.parts, false
	}
	initial := s.initial
	s.mu.Unlock()
	if initial == nil {
		return nil, true
	}
	return rehash(s.op, initial.Partitions(), s.n), true
}

func (s *stateRDD) set(t Time, parts [][]any) {
	if cm := s.ex.cluster; cm != nil {
		cm.stateSet(s, t, parts)
	}
	s.mu.Lock()
	s.t, s.parts, s.has, s.computed = t, parts, true, t
	s.mu.Unlock()
}

func (s *stateRDD) snapshot() (Time, [][]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.t, s.parts, s.has
}

func (s *stateRDD) restore(t Time, parts [][]any) {
	parts = rehash(s.op, parts, s.n)
	s.mu.Lock()
	s.t, s.parts, s.has = t, parts, true
	s.mu.Unlock()
}
