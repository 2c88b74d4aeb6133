package shuffle

// The two sides of a shuffle in one process, for the caller's parallel
// tasks: a map task writes its input through a Writer into one table per
// reduce partition (WriteMap), a reduce partition merges what every map task
// wrote for it and cuts the result into its elements (ReducePart).
//
// failInt is called, from a deferred function, with recover()'s value when
// a table was inside its IntFn as the task ended: the int reduce function
// is called bare, so its panic is the caller's to turn into a task failure
// (failInt must ignore nil and must not return otherwise).

// WriteMap runs one map task: feed pushes the task's elements into w (Write,
// or WriteStrInt from a typed path), and the tables for n reduce partitions
// are returned. The writes w holds when the task fails are added first, so
// a reduce function failing on an earlier element is the error, as when
// each write is added at once.
func WriteMap(agg *Aggregator, n int, hash func(any) uint64, feed func(w *Writer), failInt func(r any)) []*Table {
	w := NewWriter(agg, n, hash)
	tables := w.Tables()
	defer func() {
		for _, t := range tables {
			if t.InFn() {
				failInt(recover())
			}
		}
	}()
	defer w.Flush()
	feed(w)
	return w.Tables()
}

// ReducePart runs reduce partition q of the tables the map tasks wrote
// (Read, merging into the first map task's table): take, when set, may take
// the merged table whole (true: it keeps no reference to it and nil is
// returned); otherwise the partition is out(key, accumulator) per key, in the
// order the keys were first met. The table is released either way.
func ReducePart(agg *Aggregator, written [][]*Table, q int, take func(t *Table) bool, out func(k, acc any) any, failInt func(r any)) []any {
	var base *Table
	if len(written) > 0 {
		base = written[0][q]
	}
	defer func() {
		if base != nil && base.InFn() {
			failInt(recover())
		}
	}()
	t := Read(agg, written, q)
	if take != nil && take(t) {
		base = nil
		t.Release()
		return nil
	}
	part := make([]any, t.Len())
	for i := range part {
		part[i] = out(t.Key(i), t.Acc(i))
	}
	base = nil
	t.Release()
	return part
}
