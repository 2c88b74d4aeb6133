package engine

import "github.com/gostream/gostream/engine/internal/cluster"

// clusterShuffleRDDs is shuffleRDDs of a cluster job: the shuffle goes
// through a repartition topic with end-of-batch markers
// (engine/internal/cluster's ShuffleData). The owned map tasks write their
// tables in the batch's transaction; the owned reduce partitions read the
// batches complete so far.
func (cm *clusterMember) clusterShuffleRDDs(ex *executor, id, op string, n int, ins []*RDD, splits []func(any) (any, any), agg aggregator, out func(k, acc any) any) *RDD {
	res := newRDD(ex, op, n, ins, nil)
	failInt := func(r any) { failOnInt(op, r) }
	cluster.ShuffleData(cm.Job, res.d, id, cluster.DataShuffle{
		Splits: splits, Agg: agg.shuffleAgg(op), Feed: agg.feed, Hash: hashKey, Apart: agg.apart, Out: out, FailInt: failInt,
		Time: func() int64 { return int64(res.time) },
		Run:  func(n int, task func(i int)) { ex.run(op, res.time, n, task) },
		Fail: func(err error) { panic(taskFailure{errorOf(op, res.time, err)}) },
	})
	cm.Made(op, res.ready)
	return res
}
