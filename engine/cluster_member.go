package engine

import (
	"errors"

	"github.com/gostream/gostream/engine/internal/cluster"
)

// clusterMember is this process's membership of a cluster job: the
// engine's side of a cluster.Streams, which holds the group's assignment,
// the batch's transaction, the owned input positions, the shuffles' reduce
// sides, the changelogs and the window stores, and reaches the streams
// through hooks. A batch of a member is one transaction: begin at the
// start of generate, end at the end of runBatch.
type clusterMember struct {
	*cluster.Streams[Pair, Time, *RDD]
	ssc    *StreamingContext
	zero   Time                // the job's zero time
	stateD map[stateHolder]int // the stateful streams' indices by their state
}

// joinCluster makes ssc a member of its job: it joins the group, agrees
// on the zero time and returns the first batch time. Call with ssc.mu held.
func (ssc *StreamingContext) joinCluster(first Time) (*clusterMember, Time, error) {
	var topics []string
	for _, in := range ssc.inputs {
		topics = append(topics, in.src.(*kafkaSource).topics...)
	}
	codec := cluster.Codec[Pair, Time]{Elems: elems, Format: Format}
	job, f, err := cluster.Start(cluster.JobConfig[Pair, Time]{Master: ssc.cluster, Topics: topics, Streams: ssc.clusterStreams(), Interval: ssc.batch, Codec: codec, Log: ssc.clusterLog},
		int64(first), ssc.clock.Now)
	if err != nil {
		return nil, 0, err
	}
	cm := &clusterMember{ssc: ssc, zero: Time(job.Zero()), stateD: map[stateHolder]int{}}
	for i, d := range ssc.streams {
		if d.state != nil {
			cm.stateD[d.state] = i
		}
	}
	cm.Streams = cluster.NewStreams(job, cm.hooks(ssc.streams))
	return cm, Time(f), nil
}

// hooks are the streams and their RDDs as cluster.Streams reaches them.
func (cm *clusterMember) hooks(streams []*DStream) cluster.Hooks[*RDD] {
	return cluster.Hooks[*RDD]{
		Compute: func(i int, t int64) (*RDD, bool) {
			r := streams[i].getOrCompute(Time(t))
			return r, r != nil
		},
		Valid: func(i int, t int64) bool { return streams[i].validTime(Time(t)) },
		Parts: func(r *RDD) (int, func(q int) []any) {
			r.ready()
			return r.n, r.partition
		},
		Batch: func(i int, t int64, parts [][]any) *RDD {
			return materialized(cm.ssc.ex, streams[i].op, parts).at(Time(t))
		},
		Panic: func(op string, p any) error { return asTaskError(op, p) },
		Error: func(op string, err error) error { return cm.storeError(op, err) },
	}
}

// storeError is a failure of stream op's window store in the running
// batch.
func (cm *clusterMember) storeError(op string, err error) *Error {
	return errorOf(op, Time(cm.Time()), err)
}

// errorOf is the *Error of op at t for err, an internal package's error
// that names what failed and whose Unwrap is the cause.
func errorOf(op string, t Time, err error) *Error {
	return &Error{Op: op, Time: t, Msg: err.Error(), Err: errors.Unwrap(err)}
}

// clusterLog writes a line of the member to the batch log, or in the shell
// and the kernel to the output of the cell that started the member.
func (ssc *StreamingContext) clusterLog(line string) {
	ssc.out.Reportf("%s\n", line)
}

// begin starts batch t (cluster.Streams' Begin). An incremental window's
// last window holds the partitions the member ran then: when they may
// differ, the next one reduces its whole window.
func (cm *clusterMember) begin(t Time) {
	if cm.Begin(int64(t)) {
		for _, d := range cm.ssc.streams {
			if ws, ok := d.state.(*windowState); ok {
				ws.Reset()
			}
		}
	}
}

// allocate cuts batch t of a KafkaStream (cluster.Job's Ranges): for each
// owned, active partition, from its position to its last stable offset
// (capped by MaxRatePerPartition); the other partitions' ranges are empty.
func (cm *clusterMember) allocate(s *kafkaSource, t Time) (*RDD, int) {
	earliest := s.cfg.Starting.Set && s.cfg.Starting.Offsets == nil && s.cfg.Starting.Earliest
	ranges, n := cm.Ranges(s.topics, earliest, s.cfg.MaxRatePerPartition)
	return s.rangesRDD(t, offsetRanges(ranges)), n
}
