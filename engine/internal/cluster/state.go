package cluster

import (
	"fmt"
	"slices"

	"github.com/gostream/gostream/engine/internal/codec"
	"github.com/gostream/gostream/engine/internal/state"
)

// The state of a stateful stream in a cluster job lives in the compacted
// changelog topic APP-<Op>-<i>-changelog, one partition per state
// partition: key and value in the element codec, a tombstone (no value)
// when a key is removed. Partition q's state is held by the member that
// owns q; every batch writes the keys whose state changed, in the batch's
// transaction. A member that gains q (or whose transaction was aborted)
// reads q's changelog to its last stable offset before it runs q: the
// committed offsets were read stable first, so no transaction of an
// earlier owner that could still commit is open on it.

// State is one stateful stream's changelog on this member: which
// partitions it holds, and what it holds of each (S, the caller's form of
// a partition's state). P and T are the caller's pair and time types, as
// the codec encodes them.
type State[P codec.PairType, T codec.TimeType, S any] struct {
	Topic   string
	name    string
	j       *Job[P, T]
	loaded  []bool
	held    []S
	image   []map[string]string // per partition, encoded key → encoded state (WritePairs)
	all     []bool              // per partition, write every key (an initial state taken)
	initial [][]any             // InitialState's pairs, partitioned, once needed
}

// Restore says how a partition's state is made from what its changelog
// holds.
type Restore[S any] struct {
	// Initial returns the InitialState's pairs, partitioned; nil when the
	// stream has none. It is called once, for the first partition whose
	// changelog has never been written.
	Initial func() [][]any
	// FromInitial makes a partition's state from its initial pairs.
	FromInitial func(pairs []any) S
	// FromPairs makes a partition's state from the (key, state) pairs its
	// changelog holds, in the order first written.
	FromPairs func(pairs []any) (S, error)
	// Image keeps the changelog's encoded image of the partition, which
	// WritePairs compares the next state with.
	Image bool
}

// OpenState returns the changelog of stream id (name: how the logs call
// it) in the running epoch, creating its topic of n partitions.
func OpenState[P codec.PairType, T codec.TimeType, S any](j *Job[P, T], id, name string, n int) (*State[P, T, S], error) {
	topic := j.Topic(id, "changelog")
	j.mu.Lock()
	s, ok := j.states[topic]
	j.mu.Unlock()
	if ok {
		return s.(*State[P, T, S]), nil
	}
	if err := j.ensureTopic(topic, n, true); err != nil {
		return nil, err
	}
	cs := &State[P, T, S]{Topic: topic, name: name, j: j, loaded: make([]bool, n), held: make([]S, n),
		image: make([]map[string]string, n), all: make([]bool, n)}
	j.mu.Lock()
	j.states[topic] = cs
	j.mu.Unlock()
	return cs, nil
}

// Load makes s hold the partitions this member owns in the running batch:
// it forgets the others and restores, with r, those it does not hold yet.
// A partition whose changelog has never been written takes its initial
// state (and the batch writes the record saying so); otherwise its state
// is what the changelog holds. A failed restore fails the batch.
func (s *State[P, T, S]) Load(r Restore[S]) {
	var zero S
	for q := range s.loaded {
		if !s.j.Owns(q) {
			s.loaded[q], s.image[q], s.held[q], s.all[q] = false, nil, zero, false
			continue
		}
		if !s.loaded[q] {
			if err := s.restore(q, r); err != nil {
				s.j.Fail(fmt.Errorf("restoring partition %d of %s from %s: %w", q, s.name, s.Topic, err))
			}
		}
	}
}

func (s *State[P, T, S]) restore(q int, r Restore[S]) error {
	image, order, n, err := s.j.readChangelog(s.Topic, q)
	if err != nil {
		return err
	}
	if r.Initial != nil && n == 0 {
		if s.initial == nil {
			s.initial = r.Initial()
		}
		s.j.km.Produce(s.Topic, int32(q), []byte(InitialKey), []byte("taken"), nil)
		s.j.Logf("partition %d of %s takes its initial state (%d keys)", q, s.name, len(s.initial[q]))
		init := s.initial[q]
		if init == nil {
			init = []any{}
		}
		// The batch writes every key of it, as none is in the changelog.
		s.loaded[q], s.held[q], s.all[q] = true, r.FromInitial(init), true
		if r.Image {
			s.image[q] = map[string]string{}
		}
		return nil
	}
	part, err := DecodePairs(image, order, s.j.codec.Elems)
	if err != nil {
		return err
	}
	held, err := r.FromPairs(part)
	if err != nil {
		return err
	}
	s.loaded[q], s.held[q] = true, held
	if r.Image {
		s.image[q] = image
	}
	s.j.Logf("restored partition %d of %s (%d keys)", q, s.name, len(part))
	return nil
}

// DecodePairs decodes what ReadChangelog read: the (key, state) pairs of
// the keys it holds, in the order first written.
func DecodePairs[P codec.PairType, T codec.TimeType](image map[string]string, order []string, c *codec.Codec[P, T]) ([]any, error) {
	part := make([]any, 0, len(image))
	for _, ek := range order {
		ev, ok := image[ek]
		if !ok {
			continue
		}
		ks, err1 := c.Unmarshal([]byte(ek))
		vs, err2 := c.Unmarshal([]byte(ev))
		if err1 != nil || err2 != nil || len(ks) != 1 || len(vs) != 1 {
			return nil, fmt.Errorf("a record of key %q does not hold a key and a state", ek)
		}
		part = append(part, P(struct{ Key, Value any }{ks[0], vs[0]}))
	}
	return part, nil
}

// Holds reports whether s holds partition q and this member owns it in
// the running batch.
func (s *State[P, T, S]) Holds(q int) bool {
	return q < len(s.loaded) && s.loaded[q] && s.j.Owns(q)
}

// Held returns what s holds of partition q, or false.
func (s *State[P, T, S]) Held(q int) (S, bool) {
	return s.held[q], s.loaded[q]
}

// encode encodes a key and its state for the changelog.
func (s *State[P, T, S]) encode(k, v any) (ek, ev []byte, err error) {
	c := &s.j.codec
	ek, err1 := c.Elems.Marshal([]any{k})
	ev, err2 := c.Elems.Marshal([]any{v})
	if err = err1; err == nil {
		err = err2
	}
	if err != nil {
		return nil, nil, fmt.Errorf("the state of key %s cannot be written to the changelog: %v", c.Format(k), err)
	}
	return ek, ev, nil
}

// WritePairs takes partition q's state after the running batch, the
// (key, state) pairs part, of a partition s holds: the keys whose state
// changed go to the changelog in the batch's transaction, and a tombstone
// for each key removed; s holds held from then on. The error is a key or
// state the codec cannot encode; nothing more of the partition is written.
func (s *State[P, T, S]) WritePairs(q int, part []any, held S) error {
	old := s.image[q]
	image := make(map[string]string, len(part))
	for _, x := range part {
		kv := struct{ Key, Value any }(x.(P))
		ek, ev, err := s.encode(kv.Key, kv.Value)
		if err != nil {
			return err
		}
		image[string(ek)] = string(ev)
		if prev, ok := old[string(ek)]; !ok || prev != string(ev) {
			s.j.km.Produce(s.Topic, int32(q), ek, ev, nil)
		}
	}
	for ek := range old {
		if _, ok := image[ek]; !ok {
			s.j.km.Produce(s.Topic, int32(q), []byte(ek), nil, nil)
		}
	}
	s.image[q], s.held[q] = image, held
	return nil
}

// WriteMap takes partition q's state map after the running batch, of a
// partition s holds: the slots the batch touched (every key, after an
// initial state) go to the changelog in the batch's transaction, a key's
// state with its update time as P{state, T(updated)}, or a tombstone for a
// removed key; s holds held from then on. The error is a key or state the
// codec cannot encode; nothing more of the partition is written then.
func (s *State[P, T, S]) WriteMap(q int, m *state.Map, touched []int32, held S) error {
	write := func(k any, e state.Entry) error {
		var v any
		if e.Live {
			v = P(struct{ Key, Value any }{e.State, T(e.Updated)})
		}
		ek, ev, err := s.encode(k, v)
		if err != nil {
			return err
		}
		if !e.Live {
			ev = nil
		}
		s.j.km.Produce(s.Topic, int32(q), ek, ev, nil)
		return nil
	}
	if s.all[q] {
		var err error
		m.Each(func(_ int32, k any, e state.Entry) {
			if err == nil {
				err = write(k, e)
			}
		})
		if err != nil {
			return err
		}
		s.all[q] = false
	} else {
		slices.Sort(touched)
		for _, slot := range slices.Compact(touched) {
			if err := write(m.Slot(slot)); err != nil {
				return err
			}
		}
	}
	s.held[q] = held
	return nil
}

// LoadPairs returns the state the running batch of stream i, an
// UpdateStateByKey of n partitions, starts from: the owned partitions' (key, state) pairs,
// restored from the changelog where this member does not hold them yet
// (initial gives the InitialState's pairs, partitioned; nil without one);
// nil for the other partitions. A changelog that cannot be opened fails
// the batch.
func (j *Job[P, T]) LoadPairs(i, n int, initial func() [][]any) [][]any {
	parts := make([][]any, n)
	cs, err := OpenState[P, T, []any](j, j.StreamID(i), j.streams[i].Op, n)
	if err != nil {
		j.Fail(fmt.Errorf("the state of %s: %w", j.streams[i].Op, err))
		return parts
	}
	cs.Load(Restore[[]any]{
		Initial:     initial,
		FromInitial: func(pairs []any) []any { return pairs },
		FromPairs:   func(pairs []any) ([]any, error) { return pairs, nil },
		Image:       true,
	})
	for q := range parts {
		if held, ok := cs.Held(q); ok {
			parts[q] = held
		}
	}
	return parts
}

// SavePairs takes the running batch's state of stream i, an
// UpdateStateByKey: the owned partitions' changed keys go to the changelog
// in the batch's transaction (WritePairs). The error is a key or state the
// codec cannot encode, for the caller to fail the batch with; a changelog
// that cannot be opened fails the batch itself.
func (j *Job[P, T]) SavePairs(i int, parts [][]any) error {
	cs, err := OpenState[P, T, []any](j, j.StreamID(i), j.streams[i].Op, len(parts))
	if err != nil {
		j.Fail(err)
		return nil
	}
	for q, part := range parts {
		if cs.Holds(q) {
			if err := cs.WritePairs(q, part, part); err != nil {
				return err
			}
		}
	}
	return nil
}

// LoadMaps returns the state the running batch, at, of stream i, a
// MapWithState of n partitions, starts from: the owned partitions' S, restored from the
// changelog where this member does not hold them yet, nil (empty) for the
// others. from makes a partition's S from its pairs, entry giving each
// pair's (key, state) pair and update time: an initial pair (initial, as
// LoadPairs) is its own, updated at; a changelog record holds
// P{key, P{state, T(updated)}}.
func LoadMaps[P codec.PairType, T codec.TimeType, S any](j *Job[P, T], i, n int, at T, initial func() [][]any, from func(pairs []any, entry func(x any) (any, T)) S) []S {
	parts := make([]S, n)
	cs, err := OpenState[P, T, S](j, j.StreamID(i), j.streams[i].Op, n)
	if err != nil {
		j.Fail(fmt.Errorf("the state of %s: %w", j.streams[i].Op, err))
		return parts
	}
	cs.Load(Restore[S]{
		Initial:     initial,
		FromInitial: func(pairs []any) S { return from(pairs, func(x any) (any, T) { return x, at }) },
		FromPairs: func(pairs []any) (S, error) {
			for _, x := range pairs {
				kv := struct{ Key, Value any }(x.(P))
				st, ok := kv.Value.(P)
				if _, isTime := struct{ Key, Value any }(st).Value.(T); !ok || !isTime {
					var zero S
					return zero, fmt.Errorf("the record of key %s does not hold a state and its update time", j.codec.Format(kv.Key))
				}
			}
			return from(pairs, updated[P, T]), nil
		},
	})
	for q := range parts {
		if held, ok := cs.Held(q); ok {
			parts[q] = held
		}
	}
	return parts
}

// updated splits a MapWithState's changelog record P{key, P{state,
// T(updated)}} into P{key, state} and its update time.
func updated[P codec.PairType, T codec.TimeType](x any) (any, T) {
	kv := struct{ Key, Value any }(x.(P))
	st := struct{ Key, Value any }(kv.Value.(P))
	return P(struct{ Key, Value any }{kv.Key, st.Key}), st.Value.(T)
}

// SaveMaps takes the running batch's state of stream i, a MapWithState:
// in each owned partition the slots the batch touched go to the
// changelog (WriteMap); m gives a partition's state map. The error is a
// key or state the codec cannot encode, for the caller to fail the batch
// with; a changelog that cannot be opened fails the batch itself.
func SaveMaps[P codec.PairType, T codec.TimeType, S any](j *Job[P, T], i int, parts []S, touched [][]int32, m func(S) *state.Map) error {
	cs, err := OpenState[P, T, S](j, j.StreamID(i), j.streams[i].Op, len(parts))
	if err != nil {
		j.Fail(err)
		return nil
	}
	for q, sp := range parts {
		if cs.Holds(q) {
			if err := cs.WriteMap(q, m(sp), touched[q], sp); err != nil {
				return err
			}
		}
	}
	return nil
}
