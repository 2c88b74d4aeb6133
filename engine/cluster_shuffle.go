package engine

import (
	"errors"
	"fmt"
)

// clusterShuffleRDDs is shuffleRDDs of a cluster job: the shuffle goes
// through a repartition topic with end-of-batch markers
// (engine/internal/cluster's Shuffle). The owned map tasks write their
// tables in the batch's transaction; the owned reduce partitions read the
// batches complete so far.
func (cm *clusterMember) clusterShuffleRDDs(ex *executor, id, op string, n int, ins []*RDD, splits []func(any) (any, any), agg aggregator, out func(k, acc any) any) *RDD {
	sagg := agg.shuffleAgg(op)
	res := newRDD(ex, op, n, ins, nil)
	res.d.Materialize = func() [][]any {
		t := res.time
		sh, err := cm.job.Shuffle(id, n)
		if err != nil {
			panic(taskFailure{&Error{Op: op, Time: t, Msg: fmt.Sprintf("the shuffle between the members: %v", err), Err: err}})
		}
		tasks := res.d.MapTasks(splits)
		ex.run(op, t, len(tasks), func(m int) {
			if task := tasks[m]; cm.owns(task.Part) {
				for q, tb := range task.Write(sagg, agg.feed, n, hashKey, func(r any) { failOnInt(op, r) }) {
					if err := sh.Write(int64(t), m, q, tb, sagg.Records); err != nil {
						panic(taskFailure{&Error{Op: op, Time: t, Msg: fmt.Sprintf("a key or value cannot be sent between the members: %v", err), Err: err}})
					}
				}
			}
		})
		parts := make([][]any, n)
		ex.run(op, t, n, func(q int) {
			if !cm.owns(q) {
				return
			}
			tables, err := sh.Reduce(q, len(tasks), sagg, agg.apart)
			if err != nil {
				panic(taskFailure{&Error{Op: op, Time: t, Msg: err.Error(), Err: errors.Unwrap(err)}})
			}
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
