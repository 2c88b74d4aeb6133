package engine

import (
	"errors"

	"github.com/gostream/gostream/engine/internal/cluster"
	"github.com/gostream/gostream/engine/internal/shuffle"
)

// clusterShuffleRDDs is shuffleRDDs of a cluster job: the shuffle goes
// through a repartition topic with end-of-batch markers
// (engine/internal/cluster's RunShuffle). The owned map tasks write their
// tables in the batch's transaction; the owned reduce partitions read the
// batches complete so far.
func (cm *clusterMember) clusterShuffleRDDs(ex *executor, id, op string, n int, ins []*RDD, splits []func(any) (any, any), agg aggregator, out func(k, acc any) any) *RDD {
	sagg := agg.shuffleAgg(op)
	res := newRDD(ex, op, n, ins, nil)
	res.d.Materialize = func() [][]any {
		t := res.time
		fail := func(err error) {
			panic(taskFailure{&Error{Op: op, Time: t, Msg: err.Error(), Err: errors.Unwrap(err)}})
		}
		tasks := res.d.MapTasks(splits)
		parts, err := cm.RunShuffle(id, n, cluster.ShuffleRun{
			Time: int64(t), Tasks: len(tasks), Part: func(m int) int { return tasks[m].Part },
			Write: func(m int) []*shuffle.Table {
				return tasks[m].Write(sagg, agg.feed, n, hashKey, func(r any) { failOnInt(op, r) })
			},
			Agg: sagg, Apart: agg.apart, Out: out, FailInt: func(r any) { failOnInt(op, r) },
			Run: func(n int, task func(i int) error) {
				ex.run(op, t, n, func(i int) {
					if err := task(i); err != nil {
						fail(err)
					}
				})
			},
		})
		if err != nil {
			fail(err)
		}
		return parts
	}
	cm.Made(op, res.ready)
	return res
}
