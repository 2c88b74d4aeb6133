package window

import (
	"cmp"
	"slices"
	"strings"

	"github.com/gostream/gostream/engine/internal/state"
)

// acc is what one window's leaving and entering batches bring a key: its
// slot in the previous window's map (at, -1 for a key not in it) and the
// key's values to merge.
type acc struct {
	at int32
	slot
}

// Elements makes a partition of the previous window, P{key, value}
// elements, the state map Versioned merges into (its entries the elements
// themselves); the values must be ints when the functions are.
func (m *Merge[P]) Elements(part []any) *state.Map {
	ints := m.Ints()
	vm := state.NewMap(m.Unhashable)
	for _, x := range part {
		kv, ok := x.(P)
		if !ok {
			m.NotPair(x)
		}
		p := struct{ Key, Value any }(kv)
		if _, isInt := p.Value.(int); ints && !isInt {
			m.NotInt(p.Value)
		}
		vm.Add(p.Key, x, 0)
	}
	return vm
}

// Versioned merges one partition on the generic path: prev ⊖ old ⊕ new,
// where prev is the previous window's partition as a state map (Elements,
// or the version Versioned returned for it; nil for none) and old and new
// the partitions of the batches that left and entered, oldest first. It
// returns the window's partition and its version of the map, a full one
// over prev's keys (state.Map's NextFull): only the keys the batches bring
// are looked up, merged and boxed again; the others keep their elements.
// The keys, the calls of the functions and the failures are Partition's.
func (m *Merge[P]) Versioned(prev *state.Map, old, new [][]any) (*state.Map, []any) {
	ints := m.Ints()
	var vm *state.Map
	if prev == nil {
		vm = state.NewMap(m.Unhashable)
	} else {
		vm = prev.NextFull()
	}
	size := 0
	for _, part := range new {
		size += len(part)
	}
	accs := make([]acc, 0, size)
	idx := &state.Index{Unhashable: m.Unhashable}
	idx.Reserve(size)
	// entering is set while reading the batches that enter the window: a
	// string key first met there is copied, so that a key staying in the
	// window does not pin the whole decoded block it was sliced from.
	entering := false
	at := func(x any) (*acc, any) {
		kv, ok := x.(P)
		if !ok {
			m.NotPair(x)
		}
		p := struct{ Key, Value any }(kv)
		i, found := idx.Get(p.Key)
		if !found {
			i = int32(len(accs))
			a := acc{at: -1, slot: slot{key: p.Key}}
			if s, e, ok := vm.Get(p.Key); ok && e.Live {
				a.at = s
			} else if s, ok := p.Key.(string); ok && entering {
				a.key = strings.Clone(s)
			}
			idx.Put(a.key, i)
			accs = append(accs, a)
		}
		return &accs[i], p.Value
	}
	intOf := func(v any) int {
		n, ok := v.(int)
		if !ok {
			m.NotInt(v)
		}
		return n
	}
	// fold reduces the batches that left (into old) or entered (into new).
	fold := func(parts [][]any, entered bool) {
		for _, part := range parts {
			for _, x := range part {
				a, v := at(x)
				acc, iacc, has := &a.old, &a.iold, &a.hasOld
				if entered {
					acc, iacc, has = &a.new, &a.inew, &a.hasNew
				}
				switch {
				case ints && *has:
					*iacc = m.reduceInt(m.IntF, *iacc, intOf(v))
				case ints:
					*iacc, *has = intOf(v), true
				case *has:
					*acc = m.reduce(m.F, *acc, v)
				default:
					*acc, *has = v, true
				}
			}
		}
	}
	fold(old, false)
	entering = true
	fold(new, true)
	var inPrev, fresh []*acc
	for i := range accs {
		if accs[i].at >= 0 {
			inPrev = append(inPrev, &accs[i])
		} else {
			fresh = append(fresh, &accs[i])
		}
	}
	slices.SortFunc(inPrev, func(a, b *acc) int { return cmp.Compare(a.at, b.at) })
	merged := func(a *acc, prev any, hasPrev bool) any {
		a.hasPrev = hasPrev
		if ints {
			if hasPrev {
				a.iprev = prev.(int)
			}
			return m.mergeInts(&a.slot)
		}
		a.prev = prev
		return m.mergeAnys(&a.slot)
	}
	out := make([]any, 0, vm.Len()+len(fresh))
	vm.Each(func(i int32, k any, e state.Entry) {
		kv := e.State
		changed := len(inPrev) > 0 && inPrev[0].at == i
		if changed {
			v := merged(inPrev[0], struct{ Key, Value any }(kv.(P)).Value, true)
			inPrev = inPrev[1:]
			kv = P(struct{ Key, Value any }{k, v})
		}
		switch {
		case m.Filter != nil && !m.keep(kv):
			vm.Update(i, e, state.Entry{})
		case changed:
			vm.Update(i, e, state.Entry{State: kv, Live: true})
			out = append(out, kv)
		default:
			out = append(out, kv)
		}
	})
	for _, a := range fresh {
		var kv any = P(struct{ Key, Value any }{a.key, merged(a, nil, false)})
		if m.Filter != nil && !m.keep(kv) {
			continue
		}
		vm.Add(a.key, kv, 0)
		out = append(out, kv)
	}
	return vm, out
}
