package state

// Cell is what a MapWithState function sees of one key's state, and what
// it did to it: the engine's State wraps one.
type Cell struct {
	Key, Value any
	Exists     bool // there is a state (Value)
	Updated    bool // the function set it
	Removed    bool // the function removed it
	TimingOut  bool // the call is the last for a key that timed out
}

// MapBatch is one batch of a MapWithState over one partition.
type MapBatch[P ~struct{ Key, Value any }, T, S any] struct {
	// Fn is the mapping function: a result and whether to emit it.
	Fn func(t T, key, value any, hasValue bool, s S) (any, bool)
	// State is the one state Fn is given for every call, and Cell its
	// cell, reset before each call.
	State S
	Cell  *Cell
	// Timeout, when positive, times out the keys not updated since
	// Threshold (ms).
	Timeout   bool
	Threshold int64
	// Wrote, when set, gets the slots the batch wrote (a cluster job's
	// changelog).
	Wrote *[]int32
}

// Run maps the records of one partition, P{key, value} in order, with the
// key's state in m (the partition's version for this batch, from Next),
// then, with a timeout, calls Fn once more, with no value, for every key
// not updated since the threshold, and removes it. A key's state is
// written when Fn updates it, or when it exists and there is a timeout (its
// update time moves); a removed key keeps its slot, dead. now is the batch
// time in ms; it returns what Fn emitted, in order.
func (b *MapBatch[P, T, S]) Run(m *Map, records []any, t T, now int64) []any {
	out := make([]any, 0, len(records))
	c := b.Cell
	wrote := func(i int32) {
		if b.Wrote != nil {
			*b.Wrote = append(*b.Wrote, i)
		}
	}
	for _, x := range records {
		kv := struct{ Key, Value any }(x.(P))
		i, e, has := m.Get(kv.Key)
		found := has && e.Live
		*c = Cell{Key: kv.Key}
		if found {
			c.Value, c.Exists = e.State, true
		}
		res, emit := b.Fn(t, kv.Key, kv.Value, true, b.State)
		switch {
		case c.Removed:
			if found {
				m.Update(i, e, Entry{})
				wrote(i)
			}
		case c.Updated || (c.Exists && b.Timeout):
			if has {
				// Update, or revive a dead slot.
				m.Update(i, e, Entry{State: c.Value, Updated: now, Live: true})
			} else {
				i = m.Add(kv.Key, c.Value, now)
			}
			wrote(i)
		}
		if emit {
			out = append(out, res)
		}
	}
	if b.Timeout {
		m.Each(func(i int32, k any, e Entry) {
			if e.Updated >= b.Threshold {
				return
			}
			*c = Cell{Key: k, Value: e.State, Exists: true, TimingOut: true}
			res, emit := b.Fn(t, k, nil, false, b.State)
			if emit {
				out = append(out, res)
			}
			m.Update(i, e, Entry{})
			wrote(i)
		})
	}
	return out
}

// Part is one partition of a MapWithState's state after a batch: a version
// of the partition's Map (a delta over the batch before) and the batch's
// mapped results for its keys.
type Part struct {
	M      *Map
	Mapped []any
}

// Next returns the partition's state for the batch after p, empty when p
// is nil.
func (p *Part) Next(unhashable func(k, r any)) *Part {
	if p == nil {
		return &Part{M: NewMap(unhashable)}
	}
	return &Part{M: p.M.Next()}
}

// PartsOf builds state partitions from hash-partitioned elements; entry
// gives each element's key, state and update time (ms). A key met twice
// keeps the later state in its first place.
func PartsOf(parts [][]any, unhashable func(k, r any), entry func(x any) (key, state any, updated int64)) []*Part {
	out := make([]*Part, len(parts))
	for q, part := range parts {
		m := NewMap(unhashable)
		for _, x := range part {
			k, s, t := entry(x)
			if i, _, ok := m.Get(k); ok {
				m.Set(i, Entry{State: s, Updated: t, Live: true})
				continue
			}
			m.Add(k, s, t)
		}
		out[q] = &Part{M: m}
	}
	return out
}

// Snapshot returns the elements of state partitions: for each key
// P{key, P{state, T(update time)}}, in the order the keys first appeared.
func Snapshot[P ~struct{ Key, Value any }, T ~int64](parts []*Part) [][]any {
	out := make([][]any, len(parts))
	for q, p := range parts {
		part := make([]any, 0, p.M.Len())
		p.M.Each(func(_ int32, k any, e Entry) {
			part = append(part, P{k, P{e.State, T(e.Updated)}})
		})
		out[q] = part
	}
	return out
}

// PartsOfSnapshot is PartsOf for the elements Snapshot returns (hash
// partitioned): badState is called with an element's value that is not a
// P{state, T}, badTime with an update time that is not a T; neither
// returns.
func PartsOfSnapshot[P ~struct{ Key, Value any }, T ~int64](parts [][]any, unhashable func(k, r any), badState, badTime func(v any)) []*Part {
	return PartsOf(parts, unhashable, func(x any) (any, any, int64) {
		kv := struct{ Key, Value any }(x.(P))
		st, ok := kv.Value.(P)
		if !ok {
			badState(kv.Value)
		}
		s := struct{ Key, Value any }(st)
		ut, ok := s.Value.(T)
		if !ok {
			badTime(s.Value)
		}
		return kv.Key, s.Key, int64(ut)
	})
}

// MapStep is one batch of a MapWithState over its partitions, each mapped
// in a task of the caller's (Partition).
type MapStep[P ~struct{ Key, Value any }, T, S any] struct {
	// Prev is the state the batch starts from: nil, or a nil Part, for none.
	Prev []*Part
	// Batch is every partition's MapBatch but for its State, Cell and Wrote.
	Batch MapBatch[P, T, S]
	// Wrote, when set, gets each partition's slots written (MapBatch.Wrote).
	Wrote      [][]int32
	Unhashable func(k, r any)
}

// Partition maps partition q's records, P{key, value} in order, for batch
// t (now in ms) with the task's own state s and its cell c, and returns
// the partition's state after the batch.
func (st *MapStep[P, T, S]) Partition(q int, records []any, s S, c *Cell, t T, now int64) *Part {
	var base *Part
	if st.Prev != nil {
		base = st.Prev[q]
	}
	p := base.Next(st.Unhashable)
	b := st.Batch
	b.State, b.Cell = s, c
	if st.Wrote != nil {
		b.Wrote = &st.Wrote[q]
	}
	p.Mapped = b.Run(p.M, records, t, now)
	return p
}

// Boxed returns parts as partitions of elements: each Part the one
// element of its partition, as the stream that holds MapWithState's state
// keeps them.
func Boxed(parts []*Part) [][]any {
	out := make([][]any, len(parts))
	for q, p := range parts {
		out[q] = []any{p}
	}
	return out
}

// EachMapped returns what emits the mapped results of a *Part.
func EachMapped(emit func(any)) func(x any) {
	return func(x any) {
		for _, y := range x.(*Part).Mapped {
			emit(y)
		}
	}
}

// EachState returns what emits every key's state in a *Part as P{key,
// state}, in the order the keys first appeared.
func EachState[P ~struct{ Key, Value any }](emit func(any)) func(x any) {
	return func(x any) {
		x.(*Part).M.Each(func(_ int32, k any, e Entry) {
			emit(P{k, e.State})
		})
	}
}
