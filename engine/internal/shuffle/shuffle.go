package shuffle

import (
	"fmt"
	"math"
	"sync"
)

// Aggregator combines the values of one key, Spark's combineByKey: Create
// starts an accumulator from the first value, Merge folds in another value,
// Combine merges two accumulators (nil means Merge also combines). When
// IntFn is set, values are ints and accumulators stay unboxed; Sum says
// IntFn is addition, so it is inlined. IntFn is called bare: a task that
// folds into a table recovers a panic of it by asking the table InFn.
type Aggregator struct {
	Create  func(v any) any
	Merge   func(acc, v any) any
	Combine func(a, b any) any
	IntFn   func(a, b int) int
	Sum     bool
	// NotInt is called with a value that is not an int when IntFn is set;
	// it does not return (it panics with the caller's error).
	NotInt func(v any)
	// Unhashable is called with a key that cannot be a map key and the
	// runtime's panic; it does not return.
	Unhashable func(k any, r any)
	// Records says the shuffle combines nothing (Spark's shuffle without
	// an aggregator): a table keeps every record written, in order, and Len,
	// Key and Acc are then a record's count, key and value. Create, Merge,
	// Combine and IntFn are unused.
	Records bool
}

// Table is an insertion-ordered hash table of key → accumulator, so the
// order of shuffle output is deterministic: keys appear in the order first
// met.
type Table struct {
	agg   *Aggregator
	strs  StrIndex // string keys
	anys  map[any]int32
	keys  []any    // typedKey{} where the key is the string in skeys
	skeys []string // string keys by slot ("" for other keys)
	accs  []any
	ints  []int
	inFn  bool // in a call of agg.IntFn
}

// typedKey marks a slot whose key came unboxed from a typed path; Key boxes
// it only when it is output.
type typedKey struct{}

// tables recycles tables: a released table's string index and slices are
// emptied but keep their capacity, so the next batch's tables do not grow
// theirs from empty again.
var tables sync.Pool

// NewTable returns an empty table combining with agg.
func NewTable(agg *Aggregator) *Table {
	t, _ := tables.Get().(*Table)
	if t == nil {
		t = &Table{}
	}
	t.agg = agg
	return t
}

// InFn reports whether t is calling the aggregator's IntFn: a panic
// recovered while it is true is the function's.
func (t *Table) InFn() bool { return t.inFn }

// intFn folds v into acc with agg.IntFn, marking the call for InFn.
func (t *Table) intFn(acc, v int) int {
	t.inFn = true
	acc = t.agg.IntFn(acc, v)
	t.inFn = false
	return acc
}

// Release empties t and returns it to the pool; t must not be used afterwards.
func (t *Table) Release() {
	t.strs.Reset()
	clear(t.keys)
	clear(t.skeys)
	clear(t.accs)
	t.keys, t.skeys, t.accs, t.ints = t.keys[:0], t.skeys[:0], t.accs[:0], t.ints[:0]
	t.anys, t.agg, t.inFn = nil, nil, false
	tables.Put(t)
}

// Len is the number of keys in t.
func (t *Table) Len() int { return len(t.keys) }

// Key returns the key of slot i.
func (t *Table) Key(i int) any {
	if _, ok := t.keys[i].(typedKey); ok {
		return t.skeys[i]
	}
	return t.keys[i]
}

// StrKey returns the key of slot i when it is a string, without boxing it.
func (t *Table) StrKey(i int) (string, bool) {
	switch k := t.keys[i].(type) {
	case typedKey:
		return t.skeys[i], true
	case string:
		return k, true
	}
	return "", false
}

// IntAcc returns the int accumulator of slot i of a table whose
// aggregator has IntFn.
func (t *Table) IntAcc(i int) int { return t.ints[i] }

// Acc returns the accumulator of slot i.
func (t *Table) Acc(i int) any {
	if t.agg.IntFn != nil {
		return t.ints[i]
	}
	return t.accs[i]
}

// slotStr is slot for a string key s; a new slot records key, which is s
// boxed or typedKey{}.
func (t *Table) slotStr(s string, key any) (int32, bool) {
	k := StrHash(s)
	return t.slotKey(&k, key)
}

// slotKey is slotStr for a key already hashed.
func (t *Table) slotKey(k *StrKey, key any) (int32, bool) {
	i, found := t.strs.GetOrPut(k, t.skeys, int32(len(t.keys)))
	if !found {
		t.keys = append(t.keys, key)
		t.skeys = append(t.skeys, k.S)
	}
	return i, found
}

func (t *Table) slot(k any) (int32, bool) {
	if s, ok := k.(string); ok {
		return t.slotStr(s, k)
	}
	if t.anys == nil {
		t.anys = make(map[any]int32)
	}
	i, ok := t.lookupAny(k)
	if ok {
		return i, true
	}
	i = int32(len(t.keys))
	t.anys[k] = i
	t.keys = append(t.keys, k)
	t.skeys = append(t.skeys, "")
	return i, false
}

func (t *Table) lookupAny(k any) (i int32, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if t.agg.Unhashable != nil {
				t.agg.Unhashable(k, r)
			}
			panic(fmt.Errorf("key of type %T cannot be hashed: %v", k, r))
		}
	}()
	i, ok = t.anys[k]
	return
}

// Add folds value v of key k into t.
func (t *Table) Add(k, v any) {
	if t.agg.Records {
		t.keys = append(t.keys, k)
		t.accs = append(t.accs, v)
		return
	}
	i, found := t.slot(k)
	t.fold(i, found, v)
}

// fold folds value v into slot i, new unless found.
func (t *Table) fold(i int32, found bool, v any) {
	agg := t.agg
	if agg.IntFn != nil {
		n, ok := v.(int)
		if !ok {
			agg.NotInt(v)
		}
		if !found {
			t.ints = append(t.ints, n)
			return
		}
		if agg.Sum {
			t.ints[i] += n
		} else {
			t.ints[i] = t.intFn(t.ints[i], n)
		}
		return
	}
	if !found {
		t.accs = append(t.accs, agg.Create(v))
		return
	}
	t.accs[i] = agg.Merge(t.accs[i], v)
}

// AddStrInt is Add for a string key and an int value of an aggregator with
// IntFn, without boxing either.
func (t *Table) AddStrInt(k string, v int) {
	sk := StrHash(k)
	t.addKeyInt(&sk, nil, v)
}

// addKeyInt is AddStrInt for a key already hashed; key is the key boxed,
// or nil when it is not (it is boxed when output).
func (t *Table) addKeyInt(k *StrKey, key any, v int) {
	agg := t.agg
	if key == nil {
		key = typedKey{}
	}
	i, found := t.slotKey(k, key)
	switch {
	case !found:
		t.ints = append(t.ints, v)
	case agg.Sum:
		t.ints[i] += v
	default:
		t.ints[i] = t.intFn(t.ints[i], v)
	}
}

// Merge folds another table's accumulators into t. String keys are hashed
// a few dozen at a time, their entries in t asked for before they are
// looked up, as the Writer does.
func (t *Table) Merge(o *Table) {
	if t.agg.Records {
		t.keys = append(t.keys, o.keys...)
		t.accs = append(t.accs, o.accs...)
		return
	}
	var ks [WriteAhead]StrKey
	for j0 := 0; j0 < len(o.keys); j0 += WriteAhead {
		j1 := min(j0+WriteAhead, len(o.keys))
		for j := j0; j < j1; j++ {
			if s, ok := o.StrKey(j); ok {
				ks[j-j0] = StrHash(s)
				t.strs.Prefetch(&ks[j-j0])
			}
		}
		for j := j0; j < j1; j++ {
			k := o.keys[j]
			var i int32
			var found bool
			switch k.(type) {
			case typedKey, string:
				i, found = t.slotKey(&ks[j-j0], k)
			default:
				i, found = t.slot(k)
			}
			t.combine(i, found, o, j)
		}
	}
}

// combine folds slot j of o into slot i of t, new unless found.
func (t *Table) combine(i int32, found bool, o *Table, j int) {
	agg := t.agg
	if agg.IntFn != nil {
		switch {
		case !found:
			t.ints = append(t.ints, o.ints[j])
		case agg.Sum:
			t.ints[i] += o.ints[j]
		default:
			t.ints[i] = t.intFn(t.ints[i], o.ints[j])
		}
		return
	}
	switch {
	case !found:
		t.accs = append(t.accs, o.accs[j])
	case agg.Combine != nil:
		t.accs[i] = agg.Combine(t.accs[i], o.accs[j])
	default:
		t.accs[i] = agg.Merge(t.accs[i], o.accs[j])
	}
}

// Writer is the map side of a shuffle for one map task: a table per reduce
// partition, combining as it goes. String keys with int values
// (WriteStrInt) are hashed as they come and added a few dozen at a time,
// after the table entries their lookups start at have been asked for, so
// the cache misses of those lookups overlap instead of each costing its
// own wait; nothing else about the tables changes (keys are added in the
// order written).
type Writer struct {
	hash    func(any) uint64
	tables  []*Table
	mask    uint64 // len(tables)-1 when it is a power of two: h%n is h&mask
	pow2    bool
	records bool
	n       int // pending writes
	buf     [WriteAhead]pending
}

// WriteAhead is how many string-int writes a Writer holds before adding
// them: enough for their misses to overlap, few enough to stay in L1.
const WriteAhead = 32

// pending is a write held by the Writer: a key hashed, its table, the key
// boxed (or nil) and the value.
type pending struct {
	k   StrKey
	q   int
	key any
	v   int
}

// NewWriter returns the map-side writer of a shuffle into n partitions;
// hash is the partitioner's hash (Hash instantiated with the caller's
// types).
func NewWriter(agg *Aggregator, n int, hash func(any) uint64) *Writer {
	w := &Writer{hash: hash, tables: make([]*Table, n), records: agg.Records}
	if n&(n-1) == 0 {
		w.mask, w.pow2 = uint64(n-1), true
	}
	for q := range w.tables {
		w.tables[q] = NewTable(agg)
	}
	return w
}

// Write adds value v of key k.
func (w *Writer) Write(k, v any) {
	w.Flush()
	n := len(w.tables)
	if w.records {
		q := 0
		if n > 1 {
			if s, ok := k.(string); ok {
				q = w.part(fnv(s))
			} else {
				q = w.part(w.hash(k))
			}
		}
		t := w.tables[q]
		t.keys = append(t.keys, k)
		t.accs = append(t.accs, v)
		return
	}
	if s, ok := k.(string); ok {
		// One hash serves the partition and the table.
		sk := StrHash(s)
		t := w.tables[w.part(sk.H)]
		i, found := t.slotKey(&sk, k)
		t.fold(i, found, v)
		return
	}
	q := 0
	if n > 1 {
		q = w.part(w.hash(k))
	}
	w.tables[q].Add(k, v)
}

// part is the reduce partition of a key whose hash is h: h modulo the
// number of partitions, which a mask computes when that is a power of two.
func (w *Writer) part(h uint64) int {
	if w.pow2 {
		return int(h & w.mask)
	}
	return int(h % uint64(len(w.tables)))
}

// WriteStrInt is Write for a string key and an int value, unboxed; key is
// k boxed when the caller has it so (the table keeps it for output instead
// of boxing k again), or nil. The write may be held until the next Write,
// WriteStrInt, Flush or Tables.
func (w *Writer) WriteStrInt(k string, key any, v int) {
	p := &w.buf[w.n]
	p.k = StrHash(k)
	p.q = w.part(p.k.H)
	p.key, p.v = key, v
	w.tables[p.q].strs.Prefetch(&p.k)
	if w.n++; w.n == WriteAhead {
		w.Flush()
	}
}

// Flush adds the writes held. A panic of the aggregator's IntFn in it
// leaves none held, so a Flush deferred on the way out of a failing task
// adds what came before the failure, as adding each write at once would
// have, and never adds a write twice.
func (w *Writer) Flush() {
	n := w.n
	w.n = 0
	for i := range n {
		p := &w.buf[i]
		w.tables[p.q].addKeyInt(&p.k, p.key, p.v)
		p.key = nil
	}
}

// Tables returns the writer's tables, one per reduce partition, with every
// write added.
func (w *Writer) Tables() []*Table {
	w.Flush()
	return w.tables
}

// Read is the reduce side for partition q: it merges the tables every map
// task wrote for q, in map-task order, releasing them, into one table whose
// keys are in the order first met. The caller reads it with Len, Key and
// Acc, then releases it.
func Read(agg *Aggregator, written [][]*Table, q int) *Table {
	// The first map task's table is the base: merging into it keeps keys
	// in the order first met, as merging into an empty one does.
	var t *Table
	for m := range written {
		if t == nil {
			t = written[m][q]
		} else {
			t.Merge(written[m][q])
			written[m][q].Release()
		}
		written[m][q] = nil
	}
	if t == nil {
		t = NewTable(agg)
	}
	return t
}

// PairType is the caller's key-value type: a struct of Key and Value.
type PairType interface{ ~struct{ Key, Value any } }

// Partition is the hash partitioner: the partition of key k among n.
func Partition[P PairType, T ~int64](k any, n int) int {
	if n == 1 {
		return 0
	}
	return int(Hash[P, T](k) % uint64(n))
}

// PartitionString is Partition for a string key.
func PartitionString(k string, n int) int {
	if n == 1 {
		return 0
	}
	return int(fnv(k) % uint64(n))
}

// Hash is a deterministic hash of a key, so partitioning (and hence output
// order) is the same on every run and after recovery. P and T are the
// caller's pair and time types.
func Hash[P PairType, T ~int64](k any) uint64 {
	switch x := k.(type) {
	case string:
		return fnv(x)
	case int:
		return Mix(uint64(x))
	case int64:
		return Mix(uint64(x))
	case int32:
		return Mix(uint64(x))
	case uint64:
		return Mix(x)
	case uint:
		return Mix(uint64(x))
	case bool:
		if x {
			return Mix(1)
		}
		return Mix(0)
	case float64:
		return Mix(math.Float64bits(x))
	case P:
		kv := struct{ Key, Value any }(x)
		return Hash[P, T](kv.Key)*31 + Hash[P, T](kv.Value)
	case T:
		return Mix(uint64(x))
	case Position:
		return uint64(x)
	case nil:
		return 0
	}
	return fnv(fmt.Sprintf("%T:%v", k, k))
}

// Position is a key that is its own hash: record i keyed Position(i) goes
// to partition i mod n, the round robin of Repartition (Spark keys its
// repartition shuffle by position too).
type Position int

func fnv(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return Mix(h)
}

// Mix is the 64-bit finalizer of SplitMix64.
func Mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Spread moves the elements of parts to n partitions by the partition part
// gives each, keeping their order; no values are combined.
func Spread[E any](parts [][]E, n int, part func(E) int) [][]E {
	out := make([][]E, n)
	for _, p := range parts {
		for _, x := range p {
			q := part(x)
			out[q] = append(out[q], x)
		}
	}
	return out
}
