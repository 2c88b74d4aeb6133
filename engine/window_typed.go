package engine

import (
	"strings"

	"github.com/gostream/gostream/engine/internal/shuffle"
)

// The typed incremental window: when the per-batch reductions of a window
// are (string, int) columns (strIntCols) and the reduce functions take
// ints, each partition of the window lives in a winTable that the next
// window updates in place: the batches that left and entered are looked up
// in it, and the keys of the window it already holds are neither hashed
// nor boxed again. The window's RDD is still built afresh each time (RDDs
// are immutable); its elements, their order, the calls of the functions
// and the errors are those of mergeWindow.

// winTable is one partition of the latest window, by slot in the order of
// the window's output followed by keys met since; slots of keys that left
// the window are dead until the table is compacted.
type winTable struct {
	idx   shuffle.StrIndex
	keys  []string
	slots []winSlot
	live  int // slots in the latest window
}

type winSlot struct {
	key             any // the key, boxed once for the output
	val, old, new   int
	inWindow        bool // in the latest window (prev), with val
	hasOld, hasNew  bool // met this window in the batches that left, entered
	touched, filled bool // touched: met this window; filled: not dead
}

// slot returns the slot of key s for this window: a key that is not in the
// latest window and not yet met this window gets a new slot at the end, as
// mergeWindow appends keys first met in the leaving or entering batches.
func (wt *winTable) slot(k *shuffle.StrKey) *winSlot {
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
	wt.slots = append(wt.slots, winSlot{key: s, touched: true, filled: true})
	return &wt.slots[i]
}

// each calls fold with the slot (marked touched) and value of every key of
// c, in order. Keys are hashed a few dozen at a time and their entries
// asked for before they are looked up, so the lookups' cache misses
// overlap.
func (wt *winTable) each(c *strIntCols, fold func(sl *winSlot, v int)) {
	var ks [shuffle.WriteAhead]shuffle.StrKey
	for i0 := 0; i0 < c.len(); i0 += len(ks) {
		i1 := min(i0+len(ks), c.len())
		for i := i0; i < i1; i++ {
			ks[i-i0] = shuffle.StrHash(c.key(i))
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
func (wt *winTable) compact() {
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

// winTableOf builds the table of a window partition from its elements;
// false when some element is not a (string, int) Pair.
func winTableOf(part []any) (*winTable, bool) {
	wt := &winTable{}
	wt.idx.Reserve(len(part), nil)
	for _, x := range part {
		kv, ok := x.(Pair)
		if !ok {
			return nil, false
		}
		s, ok := kv.Key.(string)
		if !ok {
			return nil, false
		}
		v, ok := kv.Value.(int)
		if !ok {
			return nil, false
		}
		k := shuffle.StrHash(s)
		if _, found := wt.idx.GetOrPut(&k, wt.keys, int32(len(wt.slots))); found {
			return nil, false // not a reduced partition
		}
		wt.keys = append(wt.keys, s)
		wt.slots = append(wt.slots, winSlot{key: kv.Key, val: v, inWindow: true, filled: true})
	}
	wt.live = len(wt.slots)
	return wt, true
}

// typedWindow holds the tables of the latest window computed by the typed
// path, for the window at time t.
type typedWindow struct {
	t      Time
	tables []*winTable
}

// takeTyped returns the tables of the window at t, and forgets them: a
// merge that fails leaves none, and the next window rebuilds them.
func (ws *windowState) takeTyped(t Time) []*winTable {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	tw := ws.typed
	ws.typed = nil
	if tw == nil || tw.t != t {
		return nil
	}
	return tw.tables
}

func (ws *windowState) putTyped(t Time, tables []*winTable) {
	ws.mu.Lock()
	ws.typed = &typedWindow{t: t, tables: tables}
	ws.mu.Unlock()
}

// allCols reports whether every RDD holds columns (after ready).
func allCols(rdds []*RDD) bool {
	for _, r := range rdds {
		r.ready()
		if r.cols == nil {
			return false
		}
	}
	return true
}

// mergeWindowTyped is mergeWindow for columns and int functions: tables
// are the previous window's (nil: build them from prev, or start empty
// when prev is nil). It returns nil when prev is not made of (string, int)
// pairs; the caller then takes the generic path.
func mergeWindowTyped(op string, ws *windowState, ex *executor, n int, t Time, prev *RDD, prevT Time, oldRDDs, newRDDs []*RDD, rd, inv reducer, filter func(any) bool) *RDD {
	tables := ws.takeTyped(prevT)
	if prev == nil {
		tables = make([]*winTable, n)
		for q := range tables {
			tables[q] = &winTable{}
		}
	} else if tables == nil || len(tables) != n {
		prev.ready()
		tables = make([]*winTable, n)
		for q := range tables {
			wt, ok := winTableOf(prev.partition(q))
			if !ok {
				return nil
			}
			tables[q] = wt
		}
	}
	deps := append(append([]*RDD(nil), oldRDDs...), newRDDs...)
	if prev != nil {
		deps = append(deps, prev)
	}
	out := newRDD(ex, op, n, deps, nil).at(t)
	f, finv := rd.intFn, inv.intFn
	out.materialize = func() [][]any {
		parts := make([][]any, n)
		ex.run(op, t, n, func(q int) {
			wt := tables[q]
			if len(wt.slots) == 0 {
				// The first window: room for its keys at once, not
				// grown by doubling.
				size := 0
				for _, r := range newRDDs {
					size += r.cols[q].len()
				}
				wt.idx.Reserve(size, wt.keys)
				wt.keys = make([]string, 0, size)
				wt.slots = make([]winSlot, 0, size)
			}
			for _, r := range oldRDDs {
				wt.each(r.cols[q], func(sl *winSlot, v int) {
					if sl.hasOld {
						sl.old = callIntReduce(op, f, sl.old, v)
					} else {
						sl.old, sl.hasOld = v, true
					}
				})
			}
			for _, r := range newRDDs {
				wt.each(r.cols[q], func(sl *winSlot, v int) {
					if sl.hasNew {
						sl.new = callIntReduce(op, f, sl.new, v)
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
				ms := windowSlot{iprev: sl.val, iold: sl.old, inew: sl.new, hasPrev: sl.inWindow, hasOld: sl.hasOld, hasNew: sl.hasNew}
				v := mergeInts(op, &ms, f, finv)
				sl.old, sl.new, sl.hasOld, sl.hasNew, sl.touched = 0, 0, false, false, false
				var kv any = Pair{sl.key, v}
				if filter != nil && !callPredicate(op, filter, kv) {
					sl.inWindow = false
					continue
				}
				sl.val, sl.inWindow = v, true
				live++
				part = append(part, kv)
			}
			wt.live = live
			wt.compact()
			parts[q] = part
		})
		return parts
	}
	out.ready()
	ws.putTyped(t, tables)
	return out
}
