package window

import "github.com/gostream/gostream/engine/internal/state"

// Merge is how one incremental window merges its partitions: the reduce
// function and its inverse, the filter, and how failures are reported. P
// is the caller's pair type.
type Merge[P ~struct{ Key, Value any }] struct {
	F, Inv       func(a, b any) any
	IntF, IntInv func(a, b int) int // both set: the values are ints
	// Filter, when set, keeps a merged pair (boxed as P) when true.
	Filter func(any) bool

	// Panicked is called with what a user function panicked with and the
	// element it was given (the second argument of a reduce function, the
	// pair of a filter). NotPair is called with an element that is not a
	// P, NotInt with a value that is not an int, Unhashable with a key that
	// cannot be hashed and the panic. Each must panic.
	Panicked   func(r, elem any)
	NotPair    func(x any)
	NotInt     func(v any)
	Unhashable func(k, r any)
}

// Ints reports whether the values are merged as ints.
func (m *Merge[P]) Ints() bool { return m.IntF != nil && m.IntInv != nil }

func (m *Merge[P]) reduce(f func(a, b any) any, a, b any) any {
	defer func() {
		if r := recover(); r != nil {
			m.Panicked(r, b)
		}
	}()
	return f(a, b)
}

func (m *Merge[P]) reduceInt(f func(a, b int) int, a, b int) int {
	defer func() {
		if r := recover(); r != nil {
			m.Panicked(r, b)
		}
	}()
	return f(a, b)
}

func (m *Merge[P]) keep(kv any) bool {
	defer func() {
		if r := recover(); r != nil {
			m.Panicked(r, kv)
		}
	}()
	return m.Filter(kv)
}

// slot gathers one key's values while merging a window; with int
// functions the values stay unboxed in the int fields.
type slot struct {
	key               any
	prev, old, new    any
	iprev, iold, inew int
	hasPrev, hasOld   bool
	hasNew            bool
}

// Partition merges one partition: prev ⊖ old ⊕ new, where prev is the
// previous window's partition (nil for none) and old and new the
// partitions of the batches that left and entered, oldest first: Versioned
// over a map made of prev.
func (m *Merge[P]) Partition(prev []any, old, new [][]any) []any {
	var vm *state.Map
	if prev != nil {
		vm = m.Elements(prev)
	}
	_, out := m.Versioned(vm, old, new)
	return out
}

// mergeAnys is one key's window value: prev ⊖ old ⊕ new.
func (m *Merge[P]) mergeAnys(s *slot) any {
	switch {
	case s.hasPrev:
		v := s.prev
		if s.hasOld {
			v = m.reduce(m.Inv, v, s.old)
		}
		if s.hasNew {
			v = m.reduce(m.F, v, s.new)
		}
		return v
	case s.hasOld:
		// Filtered out of the previous window (a filter drops values that
		// fell back to zero) while batches of it are still leaving: start
		// from zero, inv(x, x), and apply the inverse as for any other key.
		v := m.reduce(m.Inv, s.old, s.old)
		v = m.reduce(m.Inv, v, s.old)
		if s.hasNew {
			v = m.reduce(m.F, v, s.new)
		}
		return v
	}
	// Not in the previous window: only the batches that entered.
	return s.new
}

// mergeInts is mergeAnys for int values.
func (m *Merge[P]) mergeInts(s *slot) int {
	switch {
	case s.hasPrev:
		v := s.iprev
		if s.hasOld {
			v = m.reduceInt(m.IntInv, v, s.iold)
		}
		if s.hasNew {
			v = m.reduceInt(m.IntF, v, s.inew)
		}
		return v
	case s.hasOld:
		v := m.reduceInt(m.IntInv, s.iold, s.iold)
		v = m.reduceInt(m.IntInv, v, s.iold)
		if s.hasNew {
			v = m.reduceInt(m.IntF, v, s.inew)
		}
		return v
	}
	return s.inew
}
