package cluster

import (
	"fmt"

	"github.com/gostream/gostream/engine/internal/codec"
	"github.com/gostream/gostream/engine/internal/shuffle"
)

// The shuffle of a cluster job goes through a repartition topic, as Kafka
// Streams' does. The map side of batch t, on the member owning map task m,
// writes each reduce partition's combined table as records of partition q
// of APP-<shuffle id>-repartition, headers gostream-batch (t) and
// gostream-task (m); the last record of (t, m, q) carries the header
// gostream-marker. All of it is in the member's transaction of the batch.
//
// The reduce side of partition q, on the member owning q, reads the
// partition read_committed from its position. A map task's marker of batch
// b means every record of (b, m) has been read before it: the records of a
// producer keep their order in a partition. Batch b is complete when every
// map task has a marker of b or later (a map task whose partitions moved
// skips the batches it did not run: their records are read again by the
// new owner from the input's committed offsets, in its batch). The reduce
// side of a batch merges the records of every complete batch not yet
// reduced, normally the batch before: this batch's own map output is not
// committed yet. After a member's partitions moved, several batches
// complete at once; a cogroup (Cogroup, the joins) groups each of them
// apart, so that a Join pairs a batch's left side with the same batch's
// right side only, and its result holds the batches' groups one after the
// other in batch order. What it reduced and the position before the first
// record it still holds are committed as the partition's offset in the
// group, with metadata "done=B"; records at or before done are skipped
// when read again after a move.

// EntriesPerRecord bounds a record of map output: keys with their
// accumulators, three codec elements each.
const EntriesPerRecord = 1024

// Shuffle is one shuffle's repartition topic and its reduce sides on this
// member.
type Shuffle[P codec.PairType, T codec.TimeType] struct {
	Topic    string
	j        *Job[P, T]
	reducers []*Reducer // by partition; nil until read
}

// Shuffle returns the shuffle id of n partitions in the running epoch,
// creating its topic APP-<id>-repartition.
func (j *Job[P, T]) Shuffle(id string, n int) (*Shuffle[P, T], error) {
	j.mu.Lock()
	sh, ok := j.shuffles[id]
	j.mu.Unlock()
	if ok {
		return sh, nil
	}
	topic := j.Topic(id, "repartition")
	if err := j.ensureTopic(topic, n, false); err != nil {
		return nil, err
	}
	sh = &Shuffle[P, T]{Topic: topic, j: j, reducers: make([]*Reducer, n)}
	j.mu.Lock()
	if old, ok := j.shuffles[id]; ok {
		sh = old
	} else {
		j.shuffles[id] = sh
	}
	j.mu.Unlock()
	return sh, nil
}

// Write writes map task m's table for partition q of batch t as records,
// the last one marked. A records shuffle sends no keys: its output is the
// values alone, and its keys may be positions (Repartition's round robin).
// The error is the codec's, for a key or value it cannot encode.
func (sh *Shuffle[P, T]) Write(t int64, m, q int, tb *shuffle.Table, records bool) error {
	c := &sh.j.codec
	flat := make([]any, 0, 3*min(tb.Len(), EntriesPerRecord))
	flush := func(last bool) error {
		data, err := c.Elems.Marshal(flat)
		if err != nil {
			return err
		}
		sh.j.km.Produce(sh.Topic, int32(q), nil, data, MapHeaders(t, m, last))
		flat = flat[:0]
		return nil
	}
	for i := 0; i < tb.Len(); i++ {
		kind, w := toWire[P](tb.Acc(i))
		var k any
		if !records {
			k = tb.Key(i)
		}
		flat = append(flat, k, kind, w)
		if len(flat) == 3*EntriesPerRecord && i < tb.Len()-1 {
			if err := flush(false); err != nil {
				return err
			}
		}
	}
	return flush(true)
}

// Reduce reads partition q of the shuffle of tasks map tasks and merges
// the records of the batches now complete into a table of agg's combined
// values, or with apart into a table per batch, in batch order. Its errors
// name the partition and the topic.
func (sh *Shuffle[P, T]) Reduce(q, tasks int, agg *shuffle.Aggregator, apart bool) ([]*shuffle.Table, error) {
	j := sh.j
	fail := func(err error) ([]*shuffle.Table, error) {
		return nil, fmt.Errorf("reading partition %d of %s: %w", q, sh.Topic, err)
	}
	j.mu.Lock()
	r := sh.reducers[q]
	j.mu.Unlock()
	starts, ends, err := j.topicEnds(sh.Topic)
	if err != nil {
		return fail(err)
	}
	if r == nil {
		o, ok, err := j.committedOffset(sh.Topic, int32(q))
		if err != nil {
			return fail(err)
		}
		r = NewReducer(starts[int32(q)], o, ok, tasks)
	}
	if r.Tasks() != tasks {
		return fail(fmt.Errorf("the shuffle has %d map tasks on this member and %d in what it read: do all members run the same program?", tasks, r.Tasks()))
	}
	if end := ends[int32(q)]; end > r.Pos() {
		var recs []Record
		if err := j.km.Fetch(sh.Topic, int32(q), r.Pos(), end, func(rec Record) { recs = append(recs, rec) }); err != nil {
			return fail(err)
		}
		if err := r.Read(recs, end); err != nil {
			return fail(err)
		}
	}
	merge := *agg
	merge.Create = func(v any) any { return v }
	if agg.Combine != nil {
		merge.Merge = agg.Combine
	}
	var tables []*shuffle.Table
	for _, batch := range r.Take(apart) {
		tb := shuffle.NewTable(&merge)
		for _, h := range batch {
			flat, err := j.codec.Elems.Unmarshal(h.Data)
			if err != nil || len(flat)%3 != 0 {
				return fail(fmt.Errorf("a record at offset %d does not hold map output: %v", h.Offset, err))
			}
			for i := 0; i < len(flat); i += 3 {
				kind, _ := flat[i+1].(int)
				tb.Add(flat[i], fromWire[P](kind, flat[i+2]))
			}
		}
		tables = append(tables, tb)
	}
	j.mu.Lock()
	sh.reducers[q] = r
	j.mu.Unlock()
	return tables, nil
}

// A ShuffleRun is one batch's shuffle as the caller runs it: its map
// tasks, what they write, and how the reduce side's keys come out.
type ShuffleRun struct {
	Time    int64                               // the batch (ms)
	Tasks   int                                 // the map tasks
	Part    func(m int) int                     // map task m's input partition, which says who runs it
	Write   func(m int) []*shuffle.Table        // runs map task m: a table per reduce partition
	Agg     *shuffle.Aggregator                 // the shuffle's aggregator
	Apart   bool                                // each batch complete grouped apart (a cogroup)
	Out     func(k, acc any) any                // a reduce partition's element of a key
	FailInt func(r any)                         // gets a panic of Agg's int function, as ReducePart
	Run     func(n int, task func(i int) error) // runs n tasks; a task's error fails them
}

// RunShuffle runs the shuffle id of n partitions in the running batch on
// this member: each owned map task writes its tables (Write), then each
// owned reduce partition q is Out(key, accumulator) of every key of the
// batches complete (Reduce), in order; nil for the others. An error names
// what failed and its Unwrap is the cause.
func (j *Job[P, T]) RunShuffle(id string, n int, s ShuffleRun) ([][]any, error) {
	sh, err := j.Shuffle(id, n)
	if err != nil {
		return nil, fmt.Errorf("the shuffle between the members: %w", err)
	}
	s.Run(s.Tasks, func(m int) error {
		if !j.Owns(s.Part(m)) {
			return nil
		}
		for q, tb := range s.Write(m) {
			if err := sh.Write(s.Time, m, q, tb, s.Agg.Records); err != nil {
				return fmt.Errorf("a key or value cannot be sent between the members: %w", err)
			}
		}
		return nil
	})
	parts := make([][]any, n)
	s.Run(n, func(q int) error {
		if !j.Owns(q) {
			return nil
		}
		tables, err := sh.Reduce(q, s.Tasks, s.Agg, s.Apart)
		if err != nil {
			return err
		}
		var part []any
		for _, tb := range tables {
			part = appendTable(part, tb, s.Out, s.FailInt)
		}
		parts[q] = part
		return nil
	})
	return parts, nil
}

// appendTable appends out(key, accumulator) of each key of tb to part.
func appendTable(part []any, tb *shuffle.Table, out func(k, acc any) any, failInt func(r any)) []any {
	defer func() {
		if tb.InFn() {
			failInt(recover())
		}
	}()
	for i := range tb.Len() {
		part = append(part, out(tb.Key(i), tb.Acc(i)))
	}
	return part
}

// The kinds of accumulator on the wire.
const (
	wirePlain   = iota
	wireCogroup // *shuffle.Groups as P{left, right}
	wireValues  // *[]any as []any
)

func toWire[P codec.PairType](acc any) (int, any) {
	switch a := acc.(type) {
	case *shuffle.Groups:
		return wireCogroup, P(struct{ Key, Value any }{shuffle.NonNil(a.Left), shuffle.NonNil(a.Right)})
	case *[]any:
		return wireValues, shuffle.NonNil(*a)
	}
	return wirePlain, acc
}

func fromWire[P codec.PairType](kind int, v any) any {
	switch kind {
	case wireCogroup:
		p := struct{ Key, Value any }(v.(P))
		return &shuffle.Groups{Left: p.Key.([]any), Right: p.Value.([]any)}
	case wireValues:
		vs := v.([]any)
		return &vs
	}
	return v
}
