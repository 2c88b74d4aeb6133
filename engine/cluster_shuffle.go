package engine

import (
	"fmt"

	"github.com/gostream/gostream/engine/internal/cluster"
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
// other in batch order. What it reduced and the position before the first record
// it still holds are committed as the partition's offset in the group,
// with metadata "done=B"; records at or before done are skipped when read
// again after a move.

// entriesPerRecord bounds a record of map output: keys with their
// accumulators, three codec elements each.
const entriesPerRecord = 1024

// clusterShuffle is one shuffle's reduce sides on this member.
type clusterShuffle struct {
	id, topic string
	n         int
	reducers  []*cluster.Reducer // by partition; nil until read
}

// shuffle returns the shuffle id's state, creating its topic.
func (cm *clusterMember) shuffle(id string, n int) (*clusterShuffle, error) {
	cm.mu.Lock()
	sh, ok := cm.shuffles[id]
	cm.mu.Unlock()
	if ok {
		return sh, nil
	}
	topic := cm.topic(id, "repartition")
	if err := cm.ensureTopic(topic, n, false); err != nil {
		return nil, err
	}
	sh = &clusterShuffle{id: id, topic: topic, n: n, reducers: make([]*cluster.Reducer, n)}
	cm.mu.Lock()
	if old, ok := cm.shuffles[id]; ok {
		sh = old
	} else {
		cm.shuffles[id] = sh
	}
	cm.mu.Unlock()
	return sh, nil
}

// clusterShuffleRDDs is shuffleRDDs of a cluster job: see the comment at
// the top of this file.
func (cm *clusterMember) clusterShuffleRDDs(ex *executor, id, op string, n int, ins []*RDD, splits []func(any) (any, any), agg aggregator, out func(k, acc any) any) *RDD {
	sagg := agg.shuffleAgg(op)
	res := newRDD(ex, op, n, ins, nil)
	res.materialize = func() [][]any {
		t := res.time
		sh, err := cm.shuffle(id, n)
		if err != nil {
			panic(taskFailure{&Error{Op: op, Time: t, Msg: fmt.Sprintf("the shuffle between the members: %v", err), Err: err}})
		}
		tasks := mapTasks(ins, splits)
		ex.run(op, t, len(tasks), func(m int) {
			if task := tasks[m]; cm.owns(task.p) {
				for q, tb := range task.write(op, agg, sagg, n) {
					cm.writeTable(op, sh, t, m, q, tb, sagg.Records)
				}
			}
		})
		parts := make([][]any, n)
		ex.run(op, t, n, func(q int) {
			if !cm.owns(q) {
				return
			}
			tables := cm.reduce(op, sh, t, q, len(tasks), sagg, agg.apart)
			var part []any
			for _, tb := range tables {
				func() {
					defer func() {
						if tb.InFn() {
							failOnInt(op, recover())
						}
					}()
					for i := range tb.Len() {
						part = append(part, out(tb.Key(i), tb.Acc(i)))
					}
				}()
			}
			parts[q] = part
		})
		return parts
	}
	cm.mu.Lock()
	cm.made = append(cm.made, res)
	cm.mu.Unlock()
	return res
}

// The kinds of accumulator on the wire.
const (
	wirePlain   = iota
	wireCogroup // *cogroupAcc as Pair{left, right}
	wireValues  // *[]any as []any
)

func toWire(acc any) (int, any) {
	switch a := acc.(type) {
	case *cogroupAcc:
		return wireCogroup, Pair{nonNil(a.left), nonNil(a.right)}
	case *[]any:
		return wireValues, nonNil(*a)
	}
	return wirePlain, acc
}

func fromWire(kind int, v any) any {
	switch kind {
	case wireCogroup:
		p := v.(Pair)
		return &cogroupAcc{left: p.Key.([]any), right: p.Value.([]any)}
	case wireValues:
		vs := v.([]any)
		return &vs
	}
	return v
}

// writeTable writes map task m's table for partition q as records, the
// last one marked.
// A records shuffle sends no keys: its output is the values alone, and
// its keys may be positions (Repartition's round robin).
func (cm *clusterMember) writeTable(op string, sh *clusterShuffle, t Time, m, q int, tb *shuffle.Table, records bool) {
	flat := make([]any, 0, 3*min(tb.Len(), entriesPerRecord))
	flush := func(last bool) {
		data, err := elems.Marshal(flat)
		if err != nil {
			panic(taskFailure{&Error{Op: op, Time: t, Msg: fmt.Sprintf("a key or value cannot be sent between the members: %v", err), Err: err}})
		}
		cm.km.Produce(sh.topic, int32(q), nil, data, cluster.MapHeaders(int64(t), m, last))
		flat = flat[:0]
	}
	for i := 0; i < tb.Len(); i++ {
		kind, w := toWire(tb.Acc(i))
		var k any
		if !records {
			k = tb.Key(i)
		}
		flat = append(flat, k, kind, w)
		if len(flat) == 3*entriesPerRecord && i < tb.Len()-1 {
			flush(false)
		}
	}
	flush(true)
}

// reduce reads partition q of the shuffle and merges the records of the
// batches now complete into a table, or with apart into a table per batch,
// in batch order.
func (cm *clusterMember) reduce(op string, sh *clusterShuffle, t Time, q, tasks int, sagg *shuffle.Aggregator, apart bool) []*shuffle.Table {
	fail := func(err error) {
		panic(taskFailure{&Error{Op: op, Time: t, Msg: fmt.Sprintf("reading partition %d of %s: %v", q, sh.topic, err), Err: err}})
	}
	cm.mu.Lock()
	r := sh.reducers[q]
	cm.mu.Unlock()
	starts, ends, err := cm.topicEnds(sh.topic)
	if err != nil {
		fail(err)
	}
	if r == nil {
		o, ok, err := cm.committedOffset(sh.topic, int32(q))
		if err != nil {
			fail(err)
		}
		r = cluster.NewReducer(starts[int32(q)], o, ok, tasks)
	}
	if r.Tasks() != tasks {
		fail(fmt.Errorf("the shuffle has %d map tasks on this member and %d in what it read: do all members run the same program?", tasks, r.Tasks()))
	}
	if end := ends[int32(q)]; end > r.Pos() {
		var recs []cluster.Record
		if err := cm.km.Fetch(sh.topic, int32(q), r.Pos(), end, func(rec cluster.Record) { recs = append(recs, rec) }); err != nil {
			fail(err)
		}
		if err := r.Read(recs, end); err != nil {
			fail(err)
		}
	}
	merge := *sagg
	merge.Create = func(v any) any { return v }
	if sagg.Combine != nil {
		merge.Merge = sagg.Combine
	}
	var tables []*shuffle.Table
	for _, batch := range r.Take(apart) {
		tb := shuffle.NewTable(&merge)
		for _, h := range batch {
			flat, err := elems.Unmarshal(h.Data)
			if err != nil || len(flat)%3 != 0 {
				fail(fmt.Errorf("a record at offset %d does not hold map output: %v", h.Offset, err))
			}
			for i := 0; i < len(flat); i += 3 {
				kind, _ := flat[i+1].(int)
				tb.Add(flat[i], fromWire(kind, flat[i+2]))
			}
		}
		tables = append(tables, tb)
	}
	cm.mu.Lock()
	sh.reducers[q] = r
	cm.mu.Unlock()
	return tables
}
