package rdd

import (
	"github.com/gostream/gostream/engine/internal/shuffle"
	win "github.com/gostream/gostream/engine/internal/window"
)

// Feed says how a shuffle's map task may read its input's typed path
// (Strs, StrInts) instead of splitting boxed elements; it agrees with the
// shuffle's split.
type Feed int

const (
	// Split reads every element boxed, through the split.
	Split Feed = iota
	// FeedPairs reads StrInts, as a split that takes a pair apart.
	FeedPairs
	// FeedElems reads Strs, each string the key with the value 1, as a
	// split keying by the whole element.
	FeedElems
)

// MapTask is one map task of a shuffle: partition Part of In, its elements
// split into key and value by Split.
type MapTask[P ~struct{ Key, Value any }] struct {
	In    *Data[P]
	Part  int
	Split func(any) (any, any)
}

// MapTasks is the map tasks of a shuffle of d's Deps, each input split by
// its own split: every partition of each input, in order. Call it before d
// is materialized.
func (d *Data[P]) MapTasks(splits []func(any) (any, any)) []MapTask[P] {
	var tasks []MapTask[P]
	for i, in := range d.Deps {
		for p := range in.N {
			tasks = append(tasks, MapTask[P]{in, p, splits[i]})
		}
	}
	return tasks
}

// Write runs the map task: its elements, from its input's typed path when
// feed allows and the input has one, through a shuffle.Writer into tables
// for n reduce partitions.
func (t MapTask[P]) Write(agg *shuffle.Aggregator, feed Feed, n int, hash func(any) uint64, failInt func(r any)) []*shuffle.Table {
	split := t.Split
	return shuffle.WriteMap(agg, n, hash, func(w *shuffle.Writer) {
		generic := func(x any) {
			k, v := split(x)
			w.Write(k, v)
		}
		switch in := t.In; {
		case feed == FeedPairs && in.StrInts != nil:
			in.StrInts(t.Part, w.WriteStrInt, generic)
		case feed == FeedElems && in.Strs != nil:
			in.Strs(t.Part, func(s string) { w.WriteStrInt(s, nil, 1) })
		default:
			in.Iterate(t.Part, generic)
		}
	}, failInt)
}

// Shuffle makes d the shuffle of its Deps into d.N partitions: a map task
// per input partition (Write), then a reduce task per partition
// (shuffle.ReducePart) emitting out(key, accumulator) per key. When ColsOut
// is set as d materializes and agg has an IntFn, the partitions are kept
// in Cols if every key is a string, and boxed from them otherwise.
func (d *Data[P]) Shuffle(splits []func(any) (any, any), agg *shuffle.Aggregator, feed Feed, hash func(any) uint64, out func(k, acc any) any, failInt func(r any)) {
	n := d.N
	d.Materialize = func() [][]any {
		tasks := d.MapTasks(splits)
		written := make([][]*shuffle.Table, len(tasks))
		d.run(len(tasks), func(m int) {
			written[m] = tasks[m].Write(agg, feed, n, hash, failInt)
		})
		parts := make([][]any, n)
		var cols []*win.Cols
		if d.ColsOut && agg.IntFn != nil {
			cols = make([]*win.Cols, n)
		}
		d.run(n, func(q int) {
			var take func(t *shuffle.Table) bool
			if cols != nil {
				take = func(t *shuffle.Table) bool {
					c, ok := win.TableCols(t)
					cols[q] = c
					return ok
				}
			}
			parts[q] = shuffle.ReducePart(agg, written, q, take, out, failInt)
		})
		if cols == nil {
			return parts
		}
		typed := true
		for _, c := range cols {
			typed = typed && c != nil
		}
		if typed {
			d.Cols = cols
			return nil
		}
		for q, c := range cols {
			if c != nil {
				parts[q] = win.Pairs[P](c)
			}
		}
		return parts
	}
}
