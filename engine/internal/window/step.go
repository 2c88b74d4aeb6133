package window

import "github.com/gostream/gostream/engine/internal/state"

// Batch is one reduced batch a window merges: its partitions, and its
// columns when it holds them (every key a string, every value an int).
type Batch struct {
	Cols []*Cols
	Part func(q int) []any
}

// Step is the merge of one window of n partitions, partition by
// partition, from what the window a slide before left in the State: the
// typed path into its tables when every batch holds columns and the
// functions are int ones, else the generic path into its state maps.
type Step[P ~struct{ Key, Value any }] struct {
	m        *Merge[P]
	old, new []Batch
	tables   []*Table
	maps     []*state.Map // the previous window's; nil to make them from prev
	next     []*state.Map
	prev     func(q int) []any // the previous window's partition; nil for none
	put      func(t int64, tables []*Table, maps []*state.Map)
}

// NewStep begins the merge of the window after the one at prevT, of n
// partitions: prev gives the previous window's partitions (nil when there
// is none or the window is not incremental), prevParts all of them; old
// and new are the batches that left and entered the window, oldest first.
func NewStep[P ~struct{ Key, Value any }, R any](s *State[R], m *Merge[P], prevT int64, n int, prev func(q int) []any, prevParts func() [][]any, old, new []Batch) *Step[P] {
	st := &Step[P]{m: m, old: old, new: new, prev: prev, put: func(t int64, tables []*Table, maps []*state.Map) {
		if tables != nil {
			s.PutTables(t, tables)
		} else {
			s.PutMaps(t, maps)
		}
	}}
	tables, maps := s.TakeTables(prevT), s.TakeMaps(prevT)
	if m.Ints() && allCols(old) && allCols(new) {
		switch {
		case prev == nil:
			st.tables = NewTables(n)
		case len(tables) == n:
			st.tables = tables
		default:
			// None for a previous window not made of (string, int) pairs:
			// the generic path then.
			st.tables, _ = TablesOf[P](prevParts())
		}
	}
	if st.tables == nil {
		st.next = make([]*state.Map, n)
		if prev != nil {
			st.maps = maps
		}
	}
	return st
}

func allCols(bs []Batch) bool {
	for _, b := range bs {
		if b.Cols == nil {
			return false
		}
	}
	return true
}

// Partition merges partition q of the window.
func (st *Step[P]) Partition(q int) []any {
	if st.tables != nil {
		old, new := make([]*Cols, len(st.old)), make([]*Cols, len(st.new))
		for i, b := range st.old {
			old[i] = b.Cols[q]
		}
		for i, b := range st.new {
			new[i] = b.Cols[q]
		}
		return st.m.Typed(st.tables[q], old, new)
	}
	var vm *state.Map
	switch {
	case st.maps != nil:
		vm = st.maps[q]
	case st.prev != nil:
		vm = st.m.Elements(st.prev(q))
	}
	var part []any
	st.next[q], part = st.m.Versioned(vm, parts(st.old, q), parts(st.new, q))
	return part
}

func parts(bs []Batch, q int) [][]any {
	out := make([][]any, len(bs))
	for i, b := range bs {
		out[i] = b.Part(q)
	}
	return out
}

// Done keeps what the merge left in the State, for the window at t, for
// the next window. Call it once every partition is merged.
func (st *Step[P]) Done(t int64) { st.put(t, st.tables, st.next) }
