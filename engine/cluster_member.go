package engine

import (
	"sync"
	"time"

	"github.com/gostream/gostream/engine/internal/cluster"
)

// clusterMember is this process's membership of a cluster job: the
// engine's side of a cluster.Job, which holds the group's assignment, the
// batch's transaction, the owned input positions, the shuffles' reduce
// sides, the changelogs and the window stores. A batch of a member is one
// transaction: begin at the start of generate, end at the end of runBatch.
type clusterMember struct {
	ssc     *StreamingContext
	job     *cluster.Job[Pair, Time]
	zero    Time                       // the job's zero time
	index   map[*DStream]int           // the streams' indices in the graph
	stateD  map[stateHolder]int        // the stateful streams' indices by their state
	winKeep map[*DStream]time.Duration // the streams windows read, with the longest window over each

	mu   sync.Mutex
	made []*RDD // cluster shuffles made this batch, all materialized before the commit
}

// joinCluster makes ssc a member of its job: it joins the group, agrees
// on the zero time and returns the first batch time. Call with ssc.mu held.
func (ssc *StreamingContext) joinCluster(first Time) (*clusterMember, Time, error) {
	cm := &clusterMember{ssc: ssc, index: map[*DStream]int{}, stateD: map[stateHolder]int{}, winKeep: windowParents(ssc.streams)}
	var ops, topics []string
	for i, d := range ssc.streams {
		cm.index[d] = i
		ops = append(ops, d.op)
		if d.state != nil {
			cm.stateD[d.state] = i
		}
	}
	for _, in := range ssc.inputs {
		topics = append(topics, in.src.(*kafkaSource).topics...)
	}
	codec := cluster.Codec[Pair, Time]{Elems: elems, Format: Format}
	job, f, err := cluster.Start(cluster.JobConfig[Pair, Time]{Master: ssc.cluster, Topics: topics, Streams: ops, Interval: ssc.batch, Codec: codec, Log: ssc.clusterLog},
		int64(first), ssc.clock.Now)
	if err != nil {
		return nil, 0, err
	}
	cm.job, cm.zero = job, Time(job.Zero())
	return cm, Time(f), nil
}

// clusterLog writes a line of the member to the batch log, or in the shell
// and the kernel to the output of the cell that started the member.
func (ssc *StreamingContext) clusterLog(line string) {
	ssc.out.Reportf("%s\n", line)
}

// enter marks d's compute as running (nil: none); leave restores the
// previous one (cluster.Job's Enter and Leave, which name the shuffles).
func (cm *clusterMember) enter(d *DStream) int {
	i, ok := cm.index[d]
	if !ok {
		i = -1
	}
	return cm.job.Enter(i)
}

func (cm *clusterMember) leave(prev int) { cm.job.Leave(prev) }

// shuffleID names the shuffle a stream's compute is making: "" outside
// any stream, which then stays on this member (cluster.Job's ShuffleID).
func (cm *clusterMember) shuffleID(string) string { return cm.job.ShuffleID() }

// streamID names stream d in the job's topics.
func (cm *clusterMember) streamID(d *DStream) string { return cm.job.StreamID(cm.index[d]) }

// owns reports whether partition i of an RDD (or of a shuffle or state)
// belongs to this member in the running batch.
func (cm *clusterMember) owns(i int) bool { return cm.job.Owns(i) }

// begin starts batch t (cluster.Job's Begin). An incremental window's last
// window holds the partitions the member ran then: when they may differ,
// the next one reduces its whole window.
func (cm *clusterMember) begin(t Time) {
	cm.mu.Lock()
	cm.made = nil
	cm.mu.Unlock()
	if cm.job.Begin(int64(t)) {
		for _, d := range cm.ssc.streams {
			if ws, ok := d.state.(*windowState); ok {
				ws.Reset()
			}
		}
	}
}

// allocate cuts batch t of a KafkaStream: for each owned, active
// partition, from its position to its last stable offset (capped by
// MaxRatePerPartition); the other partitions' ranges are empty.
func (cm *clusterMember) allocate(s *kafkaSource, t Time) (*RDD, int) {
	var ranges []OffsetRange
	n := 0
	earliest := s.cfg.Starting.Set && s.cfg.Starting.Offsets == nil && s.cfg.Starting.Earliest
	limit := int64(0)
	if s.cfg.MaxRatePerPartition > 0 {
		limit = max(s.cfg.MaxRatePerPartition*durMS(s.ssc.batch)/1000, 1)
	}
	for _, topic := range s.topics {
		from, until := cm.job.Cut(topic, earliest, limit)
		for p := range from {
			ranges = append(ranges, OffsetRange{topic, int32(p), from[p], until[p]})
			n += int(until[p] - from[p])
		}
	}
	return s.rangesRDD(t, ranges), n
}

// end ends batch t: every window parent's batch is kept in its store and
// every shuffle made is materialized (so its markers are written), then
// the transaction commits or, when anything failed, is aborted
// (cluster.Job's End). It returns the errors the batch reports: none when
// the partitions moved while it ran.
func (cm *clusterMember) end(t Time, errs []error) []error {
	if cm.job.Healthy() && len(errs) == 0 {
		cm.feedWindows(t)
	}
	cm.mu.Lock()
	made := cm.made
	cm.mu.Unlock()
	for _, r := range made {
		func() {
			defer func() {
				if p := recover(); p != nil {
					cm.job.Fail(asTaskError(r.op, p))
				}
			}()
			r.ready()
		}()
	}
	var first error
	if len(errs) > 0 {
		first = errs[0]
	}
	if cm.job.End(int64(t), first) {
		return nil
	}
	return errs
}

// produce writes a record of an output (SaveToKafka) in the batch's
// transaction.
func (cm *clusterMember) produce(topic string, key, value []byte) { cm.job.Produce(topic, key, value) }

// close ends the membership once the last batch is done: the member
// leaves the group, so its partitions move at once.
func (cm *clusterMember) close() { cm.job.Close() }
