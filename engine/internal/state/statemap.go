package state

// Map is one partition of a keyed state, versioned after Spark's StateMap
// (OpenHashMapBasedStateMap): each batch's version is a delta over the
// version before it, holding only the keys the batch set, so a batch costs
// what it touches instead of a copy of every key. After ChainLimit deltas,
// or when removed keys fill over half the slots, Next compacts the chain
// into a new base.
//
// Every key has a slot, numbered in the order keys first appeared; the
// slot order is the order of iteration. A removed key keeps its slot, dead,
// until a compaction drops dead slots, so a key that comes back before then
// takes its old place. Only the newest version is written: Next is called
// on the latest version only, and a version is not written once Next has
// been called on it. Older versions stay readable.
type Map struct {
	layers     []*layer // the base first; the last is this version's
	slots      int32
	dead       int
	unhashable func(k, r any)
}

// Entry is a slot's state and when it was last updated (ms).
type Entry struct {
	State   any
	Updated int64
	Live    bool
}

// ChainLimit is how many deltas a version may stack over its base before
// Next compacts them (Spark's deltaChainThreshold).
const ChainLimit = 20

// layer is a base (entries for all its slots) or a delta (changed entries,
// its own new slots among them).
type layer struct {
	first   int32 // the first slot this layer added
	keys    []any // the keys of the slots it added
	index   Index // those keys → slot
	entries []Entry
	changed map[int32]Entry
	base    bool
}

// NewMap returns an empty map; unhashable is called with a key that cannot
// be a map key and the runtime's panic, and does not return.
func NewMap(unhashable func(k, r any)) *Map {
	m := &Map{unhashable: unhashable}
	m.layers = []*layer{m.newLayer(0, true)}
	return m
}

func (m *Map) newLayer(first int32, base bool) *layer {
	return &layer{first: first, base: base, index: Index{Unhashable: m.unhashable}}
}

// Len is the number of live keys.
func (m *Map) Len() int { return int(m.slots) - m.dead }

// Get returns key k's slot and entry; ok is false when k has no slot. A
// removed key still has its slot, with Live false; a key added again after
// its removal has the newer slot.
func (m *Map) Get(k any) (slot int32, e Entry, ok bool) {
	for _, l := range m.layers {
		if s, found := l.index.Get(k); found {
			slot, e, ok = s, m.entry(s), true
			if e.Live {
				break
			}
		}
	}
	return slot, e, ok
}

func (m *Map) entry(s int32) Entry {
	for i := len(m.layers) - 1; i >= 0; i-- {
		l := m.layers[i]
		if l.base {
			return l.entries[s]
		}
		if e, ok := l.changed[s]; ok {
			return e
		}
	}
	return Entry{}
}

// Set sets the entry of an existing slot in this version.
func (m *Map) Set(slot int32, e Entry) { m.Update(slot, m.entry(slot), e) }

// Update is Set for a caller that holds the slot's entry in this version,
// old, as Get returned it: it saves looking it up again.
func (m *Map) Update(slot int32, old, e Entry) {
	switch {
	case old.Live && !e.Live:
		m.dead++
	case !old.Live && e.Live:
		m.dead--
	}
	if !e.Live {
		e.State = nil
	}
	top := m.layers[len(m.layers)-1]
	if top.base {
		top.entries[slot] = e
		return
	}
	if top.changed == nil {
		top.changed = make(map[int32]Entry)
	}
	top.changed[slot] = e
}

// Add gives key k the next slot, live with state. k has no slot, or a dead
// one that it leaves behind: the key then iterates in its new place.
func (m *Map) Add(k, state any, updated int64) int32 {
	s := m.slots
	m.slots++
	top := m.layers[len(m.layers)-1]
	top.index.Put(k, s)
	top.keys = append(top.keys, k)
	e := Entry{State: state, Updated: updated, Live: true}
	if top.base {
		top.entries = append(top.entries, e)
		return s
	}
	if top.changed == nil {
		top.changed = make(map[int32]Entry)
	}
	top.changed[s] = e
	return s
}

// Next returns the version that follows m: an empty delta over it, or, past
// ChainLimit deltas or with over half the slots dead, a compacted copy.
// m must not be written afterwards.
func (m *Map) Next() *Map {
	dropDead := m.dead > 16 && m.dead > int(m.slots)/2
	if dropDead || len(m.layers) > ChainLimit {
		return m.compact(dropDead)
	}
	n := &Map{slots: m.slots, dead: m.dead, unhashable: m.unhashable}
	l := n.newLayer(m.slots, false)
	if top := m.layers[len(m.layers)-1]; !top.base && len(top.changed) > 0 {
		// A batch tends to touch about as many keys as the one before.
		l.changed = make(map[int32]Entry, len(top.changed))
	}
	n.layers = append(m.layers[:len(m.layers):len(m.layers)], l)
	return n
}

// NextFull returns the version that follows m as a base of its own: every
// slot's entry copied into it, the keys and their index shared with m. It
// is the next version of a state whose every key may change each batch
// (UpdateStateByKey calls its function for every key), where a delta would
// hold them all and reading through a chain of such deltas would cost a
// lookup per layer. Past ChainLimit versions, or with over half the slots
// dead, it compacts, as Next does. m must not be written afterwards.
func (m *Map) NextFull() *Map {
	dropDead := m.dead > 16 && m.dead > int(m.slots)/2
	if dropDead || len(m.layers) > ChainLimit {
		return m.compact(dropDead)
	}
	n := &Map{slots: m.slots, dead: m.dead, unhashable: m.unhashable}
	n.layers = make([]*layer, 0, len(m.layers)+1)
	for _, l := range m.layers {
		// The keys only, of the layers that added some: n's own base
		// below holds every entry.
		if len(l.keys) > 0 {
			n.layers = append(n.layers, &layer{first: l.first, keys: l.keys[:len(l.keys):len(l.keys)], index: l.index})
		}
	}
	top := n.newLayer(m.slots, true)
	top.entries = make([]Entry, m.slots, m.slots+m.slots/8)
	if t := m.layers[len(m.layers)-1]; t.base {
		copy(top.entries, t.entries)
	} else {
		m.each(func(s int32, _ any, e Entry) { top.entries[s] = e })
	}
	n.layers = append(n.layers, top)
	return n
}

// compact flattens the chain into one base, dropping dead slots when asked.
func (m *Map) compact(dropDead bool) *Map {
	n := NewMap(m.unhashable)
	b := n.layers[0]
	size := int(m.slots)
	if dropDead {
		size -= m.dead
	}
	b.keys = make([]any, 0, size)
	b.entries = make([]Entry, 0, size)
	b.index.Reserve(size)
	m.each(func(s int32, k any, e Entry) {
		if dropDead && !e.Live {
			return
		}
		b.index.Put(k, int32(len(b.keys)))
		b.keys = append(b.keys, k)
		b.entries = append(b.entries, e)
	})
	n.slots = int32(len(b.keys))
	if !dropDead {
		n.dead = m.dead
	}
	return n
}

// each calls f for every slot, dead ones too, in slot order.
func (m *Map) each(f func(s int32, k any, e Entry)) {
	for _, l := range m.layers {
		for i, k := range l.keys {
			s := l.first + int32(i)
			f(s, k, m.entry(s))
		}
	}
}

// Each calls f with every live key's slot, key and entry, in slot order.
// f may Set the entry of the slot it is given.
func (m *Map) Each(f func(slot int32, k any, e Entry)) {
	m.each(func(s int32, k any, e Entry) {
		if e.Live {
			f(s, k, e)
		}
	})
}

// Slot returns the key and entry of slot s in this version.
func (m *Map) Slot(s int32) (k any, e Entry) {
	for _, l := range m.layers {
		if s >= l.first && s < l.first+int32(len(l.keys)) {
			return l.keys[s-l.first], m.entry(s)
		}
	}
	return nil, Entry{}
}
