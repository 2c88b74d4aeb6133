package cluster

import (
	"github.com/gostream/gostream/engine/internal/codec"
	"github.com/gostream/gostream/engine/internal/rdd"
	"github.com/gostream/gostream/engine/internal/shuffle"
)

// DataShuffle is how a shuffle's partitions (an rdd.Data) run between the
// members: its map tasks' tables, how its keys come out, and the caller's
// tasks and failures.
type DataShuffle struct {
	Splits  []func(any) (any, any) // each input's split of an element into key and value
	Agg     *shuffle.Aggregator    // the shuffle's aggregator
	Feed    rdd.Feed               // which typed path of an input the map tasks may read
	Hash    func(k any) uint64     // the partitioner's hash of a key
	Apart   bool                   // each batch complete grouped apart (a cogroup)
	Out     func(k, acc any) any   // a reduce partition's element of a key
	FailInt func(r any)            // gets a panic of Agg's int function
	// Time is the running batch (ms), asked when d is materialized.
	Time func() int64
	// Run runs n tasks of the batch; Fail fails it with err, which names
	// what failed, its Unwrap the cause. Fail does not return.
	Run  func(n int, task func(i int))
	Fail func(err error)
}

// ShuffleData makes d, a shuffle of its Deps into d.N partitions, a
// shuffle id between the members (RunShuffle): when d is materialized,
// its owned map tasks (every partition of each input, split by its own
// split) write their tables in the batch's transaction, and its owned
// reduce partitions read the batches complete so far; the others are
// empty.
func ShuffleData[P codec.PairType, T codec.TimeType](j *Job[P, T], d *rdd.Data[P], id string, s DataShuffle) {
	d.Materialize = func() [][]any {
		tasks := d.MapTasks(s.Splits)
		parts, err := j.RunShuffle(id, d.N, ShuffleRun{
			Time: s.Time(), Tasks: len(tasks), Part: func(m int) int { return tasks[m].Part },
			Write: func(m int) []*shuffle.Table {
				return tasks[m].Write(s.Agg, s.Feed, d.N, s.Hash, s.FailInt)
			},
			Agg: s.Agg, Apart: s.Apart, Out: s.Out, FailInt: s.FailInt,
			Run: func(n int, task func(i int) error) {
				s.Run(n, func(i int) {
					if err := task(i); err != nil {
						s.Fail(err)
					}
				})
			},
		})
		if err != nil {
			s.Fail(err)
		}
		return parts
	}
}
