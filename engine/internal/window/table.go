package window

import (
	"strings"
	"sync"

	"github.com/gostream/gostream/engine/internal/shuffle"
	"github.com/gostream/gostream/engine/internal/state"
)

// Table is one partition of the latest window on the typed path, by slot
// in the order of the window's output followed by keys met since; slots of
// keys that left the window are dead until the table is compacted. The
// next window updates it in place: the batches that left and entered are
// looked up in it, and the keys of the window it already holds are neither
// hashed nor boxed again.
type Table struct {
	idx   shuffle.StrIndex
	keys  []string
	slots []tableSlot
	live  int // slots in the latest window
}

type tableSlot struct {
	key             any // the key, boxed once for the output
	val, old, new   int
	inWindow        bool // in the latest window (prev), with val
	hasOld, hasNew  bool // met this window in the batches that left, entered
	touched, filled bool // touched: met this window; filled: not dead
}

// slot returns the slot of key s for this window: a key that is not in the
// latest window and not yet met this window gets a new slot at the end, as
// Partition appends keys first met in the leaving or entering batches.
func (wt *Table) slot(k *shuffle.StrKey) *tableSlot {
	i, found := wt.idx.GetOrPut(k, wt.keys, int32(len(wt.slots)))
	if found {
		sl := &wt.slots[i]
		if sl.inWindow || sl.touched {
			return sl
		}
		// Dead: it left the window; it comes back at the end.
		sl.filled = false
		i = int32(len(wt.slots))
		wt.idx.Set(k, wt.keys, i)
	}
	// Copied, so that the key does not pin the whole batch it was cut from.
	s := strings.Clone(k.S)
	wt.keys = append(wt.keys, s)
	wt.slots = append(wt.slots, tableSlot{key: s, touched: true, filled: true})
	return &wt.slots[i]
}

// each calls fold with the slot (marked touched) and value of every key of
// c, in order. Keys are hashed a few dozen at a time and their entries
// asked for before they are looked up, so the lookups' cache misses
// overlap.
func (wt *Table) each(c *Cols, fold func(sl *tableSlot, v int)) {
	var ks [shuffle.WriteAhead]shuffle.StrKey
	for i0 := 0; i0 < c.Len(); i0 += len(ks) {
		i1 := min(i0+len(ks), c.Len())
		for i := i0; i < i1; i++ {
			ks[i-i0] = shuffle.StrHash(c.Key(i))
			wt.idx.Prefetch(&ks[i-i0])
		}
		for i := i0; i < i1; i++ {
			sl := wt.slot(&ks[i-i0])
			sl.touched = true
			fold(sl, c.vals[i])
		}
	}
}

// compact drops dead slots when they outnumber the live ones, keeping the
// order of the others.
func (wt *Table) compact() {
	if len(wt.slots) < 1024 || len(wt.slots) < 2*wt.live {
		return
	}
	keys, slots := wt.keys[:0], wt.slots[:0]
	wt.idx.Reset()
	for i := range wt.slots {
		sl := wt.slots[i]
		if !sl.inWindow {
			continue
		}
		k := shuffle.StrHash(wt.keys[i])
		wt.idx.GetOrPut(&k, keys, int32(len(slots)))
		keys = append(keys, wt.keys[i])
		slots = append(slots, sl)
	}
	clear(wt.keys[len(keys):])
	clear(wt.slots[len(slots):])
	wt.keys, wt.slots = keys, slots
}

// NewTables returns n empty tables, for a window without a previous one.
func NewTables(n int) []*Table {
	tables := make([]*Table, n)
	for q := range tables {
		tables[q] = &Table{}
	}
	return tables
}

// TablesOf builds the tables of a window from its partitions; false when
// some element is not a (string, int) P or a key repeats (not a reduced
// partition).
func TablesOf[P ~struct{ Key, Value any }](parts [][]any) ([]*Table, bool) {
	tables := make([]*Table, len(parts))
	for q, part := range parts {
		wt := &Table{}
		wt.idx.Reserve(len(part), nil)
		for _, x := range part {
			kv, ok := x.(P)
			if !ok {
				return nil, false
			}
			p := struct{ Key, Value any }(kv)
			s, ok := p.Key.(string)
			if !ok {
				return nil, false
			}
			v, ok := p.Value.(int)
			if !ok {
				return nil, false
			}
			k := shuffle.StrHash(s)
			if _, found := wt.idx.GetOrPut(&k, wt.keys, int32(len(wt.slots))); found {
				return nil, false
			}
			wt.keys = append(wt.keys, s)
			wt.slots = append(wt.slots, tableSlot{key: p.Key, val: v, inWindow: true, filled: true})
		}
		wt.live = len(wt.slots)
		tables[q] = wt
	}
	return tables, true
}

// Typed is Partition on the typed path: wt is the partition's table of the
// previous window (empty for none), old and new the columns of the batches
// that left and entered. wt becomes the table of the new window. IntF and
// IntInv must be set.
func (m *Merge[P]) Typed(wt *Table, old, new []*Cols) []any {
	f := m.IntF
	if len(wt.slots) == 0 {
		// The first window: room for its keys at once, not grown by
		// doubling.
		size := 0
		for _, c := range new {
			size += c.Len()
		}
		wt.idx.Reserve(size, wt.keys)
		wt.keys = make([]string, 0, size)
		wt.slots = make([]tableSlot, 0, size)
	}
	for _, c := range old {
		wt.each(c, func(sl *tableSlot, v int) {
			if sl.hasOld {
				sl.old = m.reduceInt(f, sl.old, v)
			} else {
				sl.old, sl.hasOld = v, true
			}
		})
	}
	for _, c := range new {
		wt.each(c, func(sl *tableSlot, v int) {
			if sl.hasNew {
				sl.new = m.reduceInt(f, sl.new, v)
			} else {
				sl.new, sl.hasNew = v, true
			}
		})
	}
	part := make([]any, 0, wt.live+len(wt.slots)/8)
	live := 0
	for i := range wt.slots {
		sl := &wt.slots[i]
		if !sl.filled || (!sl.inWindow && !sl.touched) {
			continue
		}
		ms := slot{iprev: sl.val, iold: sl.old, inew: sl.new, hasPrev: sl.inWindow, hasOld: sl.hasOld, hasNew: sl.hasNew}
		v := m.mergeInts(&ms)
		sl.old, sl.new, sl.hasOld, sl.hasNew, sl.touched = 0, 0, false, false, false
		var kv any = P(struct{ Key, Value any }{sl.key, v})
		if m.Filter != nil && !m.keep(kv) {
			sl.inWindow = false
			continue
		}
		sl.val, sl.inWindow = v, true
		live++
		part = append(part, kv)
	}
	wt.live = live
	wt.compact()
	return part
}

// State is an incremental window's state: its latest window (the caller's
// R, such as its RDD) at time t in ms, and what the merge of a window left
// for the next one: the tables of the typed path or the state maps of the
// generic path (Versioned's). Safe for concurrent use.
type State[R any] struct {
	mu     sync.Mutex
	t      int64
	last   R
	has    bool
	tables kept[*Table]
	maps   kept[*state.Map]
}

// kept is a table or a map per partition, for the window at t.
type kept[X any] struct {
	xs []X
	t  int64
}

// take returns what is kept for the window at t, and forgets it: a merge
// that fails leaves none, and the next window rebuilds them. Nil when they
// are of another window, or there are none.
func (k *kept[X]) take(t int64) []X {
	xs := k.xs
	k.xs = nil
	if xs == nil || k.t != t {
		return nil
	}
	return xs
}

// Previous returns the latest window and its time; false when there is
// none.
func (s *State[R]) Previous() (R, int64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last, s.t, s.has
}

// Set makes r, the window at t, the latest.
func (s *State[R]) Set(t int64, r R) {
	s.mu.Lock()
	s.t, s.last, s.has = t, r, true
	s.mu.Unlock()
}

// Reset forgets the latest window, the tables and the maps: the next
// window reduces its whole window.
func (s *State[R]) Reset() {
	var zero R
	s.mu.Lock()
	s.t, s.last, s.has, s.tables, s.maps = 0, zero, false, kept[*Table]{}, kept[*state.Map]{}
	s.mu.Unlock()
}

// Restore makes r the window at t, the latest, restored from a checkpoint:
// tables and maps kept for an earlier window are forgotten.
func (s *State[R]) Restore(t int64, r R) {
	s.TakeTables(0)
	s.TakeMaps(0)
	s.Set(t, r)
}

// TakeTables returns the tables of the window at t, and forgets them (see
// kept.take).
func (s *State[R]) TakeTables(t int64) []*Table {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tables.take(t)
}

// PutTables keeps the tables of the window at t for the next window.
func (s *State[R]) PutTables(t int64, tables []*Table) {
	s.mu.Lock()
	s.tables = kept[*Table]{tables, t}
	s.mu.Unlock()
}

// TakeMaps returns the state maps of the window at t, and forgets them, as
// TakeTables does the tables.
func (s *State[R]) TakeMaps(t int64) []*state.Map {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maps.take(t)
}

// PutMaps keeps the state maps of the window at t for the next window.
func (s *State[R]) PutMaps(t int64, maps []*state.Map) {
	s.mu.Lock()
	s.maps = kept[*state.Map]{maps, t}
	s.mu.Unlock()
}
