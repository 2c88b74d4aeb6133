package engine

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gostream/gostream/engine/internal/cluster"
)

// clusterMember is this process's membership of a cluster job: the
// group's assignment, the batch's transaction, the positions of the
// owned input partitions, the reduce side of every shuffle and the
// changelog image of every stateful stream.
//
// A batch of a member is one transaction (cluster.Member's Begin, then
// Commit or Abort): begin at the start of generate, end at the end of
// runBatch. Everything the member holds for its partitions is what its
// last committed transaction left; when the assignment changes or a
// transaction is aborted, it forgets all of it and loads it again from
// Kafka as the batches need it (committed offsets, changelogs).
type clusterMember struct {
	ssc     *StreamingContext
	cfg     *cluster.Master
	name    string
	km      *cluster.Member
	parts   int  // P: the partition count of every input topic
	zero    Time // the job's zero time
	topics  []string
	index   map[*DStream]int           // the streams' indices in the graph
	stateD  map[stateHolder]*DStream   // stateful streams by their state
	winKeep map[*DStream]time.Duration // the streams windows read, with the longest window over each

	mu        sync.Mutex
	cur       *DStream // the stream whose compute is running
	seq       map[*DStream]int
	asg       cluster.Assignment
	epoch     int
	reload    bool
	inTxn     bool
	t         Time
	shown     string                   // the last assignment logged
	positions map[TopicPartition]int64 // next offsets of owned input partitions
	lastBatch map[int32]Time           // the last batch committed for each task, from the offsets' metadata
	committed map[string]map[int32]cluster.Offset
	ends      map[string]map[int32]int64 // last stable offsets read this batch
	starts    map[string]map[int32]int64
	shuffles  map[string]*clusterShuffle
	made      []*RDD // cluster shuffles made this batch, all materialized before the commit
	states    map[stateHolder]*clusterState
	windows   map[*DStream]*cluster.WindowStore
	active    string // the tasks the last batch ran
	topicsOK  map[string]bool
	failed    error // a failure inside the batch that aborts it
}

var clusterSeq atomic.Int64

// joinCluster makes ssc a member of its job: it joins the group, agrees
// on the zero time and returns the first batch time. Call with ssc.mu held.
func (ssc *StreamingContext) joinCluster(first Time) (*clusterMember, Time, error) {
	c := ssc.cluster
	host, _ := os.Hostname()
	if host == "" {
		host = "host"
	}
	host = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' {
			return r
		}
		return '_'
	}, host)
	cm := &clusterMember{ssc: ssc, cfg: c, name: fmt.Sprintf("%s-%d-%d", host, os.Getpid(), clusterSeq.Add(1)),
		index: map[*DStream]int{}, stateD: map[stateHolder]*DStream{}, seq: map[*DStream]int{},
		shuffles: map[string]*clusterShuffle{}, states: map[stateHolder]*clusterState{}, windows: map[*DStream]*cluster.WindowStore{},
		winKeep: windowParents(ssc.streams), topicsOK: map[string]bool{}, reload: true}
	for i, d := range ssc.streams {
		cm.index[d] = i
		if d.state != nil {
			cm.stateD[d.state] = d
		}
	}
	for _, in := range ssc.inputs {
		for _, t := range in.src.(*kafkaSource).topics {
			if !slices.Contains(cm.topics, t) {
				cm.topics = append(cm.topics, t)
			}
		}
	}
	counts, err := cluster.PartitionCounts(c.Brokers, cm.topics)
	if err != nil {
		return nil, 0, fmt.Errorf("the input topics at %s: %v", c.Name(), err)
	}
	if err := coPartitioned(cm.topics, counts); err != nil {
		return nil, 0, err
	}
	cm.parts = counts[cm.topics[0]]
	km, err := cluster.Join(cluster.Config{Brokers: c.Brokers, App: c.App, Name: cm.name, Topics: cm.topics, Session: c.Session, TxnTimeout: c.Txn})
	if err != nil {
		return nil, 0, fmt.Errorf("joining the group %q at %s: %v", c.App, c.Name(), err)
	}
	b := durMS(ssc.batch)
	zero, iv, err := km.ZeroTime(int64(first)-b, b)
	if err != nil {
		km.Close(true)
		return nil, 0, err
	}
	if iv != b {
		km.Close(true)
		return nil, 0, fmt.Errorf("this member's batch interval %v differs from the job's %v (recorded in topic %s by its first member)", ssc.batch, time.Duration(iv)*time.Millisecond, cluster.MetaTopic(c.App))
	}
	cm.km, cm.zero = km, Time(zero)
	now := ssc.clock.Now()
	k := int64(1)
	if now > zero {
		k = (now-zero)/b + 1
	}
	return cm, Time(zero + k*b), nil
}

// coPartitioned refuses input topics with different partition counts.
func coPartitioned(topics []string, counts map[string]int) error {
	for _, t := range topics[1:] {
		if counts[t] != counts[topics[0]] {
			var desc []string
			for _, u := range topics {
				desc = append(desc, fmt.Sprintf("%s has %d", u, counts[u]))
			}
			return fmt.Errorf("the input topics must have the same number of partitions, so that partition p of each goes to the same member: %s", strings.Join(desc, ", "))
		}
	}
	return nil
}

func (cm *clusterMember) logf(format string, args ...any) {
	ssc := cm.ssc
	line := fmt.Sprintf("cluster %s: member %s ", cm.cfg.App, cm.name) + fmt.Sprintf(format, args...) + "\n"
	ssc.outMu.Lock()
	defer ssc.outMu.Unlock()
	w := ssc.batchLog
	if w == nil {
		w = ssc.out // the shell and the kernel: the cell that started the member
	}
	if w != nil {
		fmt.Fprint(w, line)
	}
}

// enter marks d's compute as running; leave restores the previous one.
func (cm *clusterMember) enter(d *DStream) *DStream {
	cm.mu.Lock()
	defer cm.mu.Unlock()
	prev := cm.cur
	cm.cur = d
	return prev
}

func (cm *clusterMember) leave(prev *DStream) {
	cm.mu.Lock()
	cm.cur = prev
	cm.mu.Unlock()
}

// shuffleID names the shuffle a stream's compute is making: "" outside
// any stream (an RDD operation in a ForeachRDD function), which then
// stays on this member.
func (cm *clusterMember) shuffleID(op string) string {
	cm.mu.Lock()
	defer cm.mu.Unlock()
	d := cm.cur
	if d == nil || !cm.inTxn {
		return ""
	}
	k := cm.seq[d]
	cm.seq[d] = k + 1
	id := cm.streamID(d)
	if k > 0 {
		id += "." + strconv.Itoa(k)
	}
	return id
}

// streamID names stream d in the job's topics: its operation (without
// what follows a parenthesis) and its index in the graph.
func (cm *clusterMember) streamID(d *DStream) string {
	op, _, _ := strings.Cut(d.op, "(")
	return fmt.Sprintf("%s-%d", op, cm.index[d])
}

// owns reports whether partition i of an RDD (or of a shuffle or state)
// belongs to this member in the running batch: task i mod P is owned and
// active (its last committed batch is older than this one).
func (cm *clusterMember) owns(i int) bool {
	cm.mu.Lock()
	defer cm.mu.Unlock()
	return cm.ownsLocked(int32(i % cm.parts))
}

func (cm *clusterMember) ownsLocked(task int32) bool {
	if !cm.asg.Owns(task) {
		return false
	}
	last, ok := cm.lastBatch[task]
	return !ok || last < cm.t
}

// begin starts batch t: it takes the assignment, forgets what it held when
// that changed or the last batch was aborted, and opens the transaction.
func (cm *clusterMember) begin(t Time) {
	asg := cm.km.Assignment()
	cm.mu.Lock()
	changed := asg.Epoch != cm.epoch
	fresh := changed || cm.reload
	if fresh {
		cm.positions = map[TopicPartition]int64{}
		cm.lastBatch = nil
		cm.committed = nil
		cm.shuffles = map[string]*clusterShuffle{}
		cm.states = map[stateHolder]*clusterState{}
		cm.windows = map[*DStream]*cluster.WindowStore{}
		cm.reload = false
	}
	cm.asg, cm.epoch, cm.t = asg, asg.Epoch, t
	cm.seq = map[*DStream]int{}
	cm.ends, cm.starts, cm.made, cm.failed = nil, nil, nil, nil
	shown := fmt.Sprint(asg.Partitions)
	show := shown != cm.shown
	cm.shown = shown
	cm.mu.Unlock()
	if show {
		if asg.Partitions == nil {
			shown = "[]"
		}
		cm.logf("owns partitions %s", shown)
	}
	cm.mu.Lock()
	load := cm.lastBatch == nil && len(asg.Partitions) > 0
	cm.mu.Unlock()
	if load {
		if err := cm.loadCommitted(); err != nil {
			cm.fail(err)
		}
	}
	cm.mu.Lock()
	var active strings.Builder
	for p := range cm.parts {
		if cm.ownsLocked(int32(p)) {
			fmt.Fprintf(&active, "%d,", p)
		}
	}
	moved := active.String() != cm.active
	cm.active = active.String()
	cm.mu.Unlock()
	if fresh || moved {
		// An incremental window's last window holds the partitions the
		// member ran then: the next one reduces its whole window.
		for _, d := range cm.ssc.streams {
			if ws, ok := d.state.(*windowState); ok {
				ws.Reset()
			}
		}
	}
	if err := cm.km.Begin(); err != nil {
		cm.fail(fmt.Errorf("beginning the transaction: %w", err))
		return
	}
	cm.mu.Lock()
	cm.inTxn = true
	cm.mu.Unlock()
}

// fail marks the running batch as failed: it is aborted at its end.
func (cm *clusterMember) fail(err error) {
	cm.mu.Lock()
	if cm.failed == nil {
		cm.failed = err
	}
	cm.mu.Unlock()
}

// loadCommitted reads the group's committed offsets of the input topics
// (waiting for open transactions), and from their metadata the last batch
// each owned task committed.
func (cm *clusterMember) loadCommitted() error {
	offs, err := cm.km.Committed(cm.topics)
	if err != nil {
		return err
	}
	last := map[int32]Time{}
	for _, t := range cm.topics {
		for p, o := range offs[t] {
			if b, ok := strings.CutPrefix(o.Metadata, "batch="); ok {
				if n, ok := cluster.ParseBatch(b); ok && Time(n) > last[p] {
					last[p] = Time(n)
				}
			}
		}
	}
	cm.mu.Lock()
	cm.committed, cm.lastBatch = offs, last
	cm.mu.Unlock()
	return nil
}

// committedOffset returns the group's committed offset of a partition of
// a topic the job makes (a repartition topic), reading it once per epoch.
func (cm *clusterMember) committedOffset(topic string, p int32) (cluster.Offset, bool, error) {
	cm.mu.Lock()
	byTopic, ok := cm.committed[topic]
	cm.mu.Unlock()
	if !ok {
		offs, err := cm.km.Committed([]string{topic})
		if err != nil {
			return cluster.Offset{}, false, err
		}
		byTopic = offs[topic]
		if byTopic == nil {
			byTopic = map[int32]cluster.Offset{}
		}
		cm.mu.Lock()
		if cm.committed == nil {
			cm.committed = map[string]map[int32]cluster.Offset{}
		}
		cm.committed[topic] = byTopic
		cm.mu.Unlock()
	}
	o, ok := byTopic[p]
	return o, ok, nil
}

// topicEnds returns the log starts and last stable offsets of topic, read
// once per batch.
func (cm *clusterMember) topicEnds(topic string) (starts, ends map[int32]int64, err error) {
	cm.mu.Lock()
	s, e := cm.starts[topic], cm.ends[topic]
	cm.mu.Unlock()
	if e != nil {
		return s, e, nil
	}
	s, e, err = cm.km.Ends(topic)
	if err != nil {
		return nil, nil, err
	}
	cm.mu.Lock()
	if cm.ends == nil {
		cm.ends, cm.starts = map[string]map[int32]int64{}, map[string]map[int32]int64{}
	}
	cm.ends[topic], cm.starts[topic] = e, s
	cm.mu.Unlock()
	return s, e, nil
}

// ensureTopic creates a topic of the job once.
func (cm *clusterMember) ensureTopic(topic string, n int, compact bool) error {
	cm.mu.Lock()
	ok := cm.topicsOK[topic]
	cm.mu.Unlock()
	if ok {
		return nil
	}
	if err := cm.km.EnsureTopic(topic, n, compact); err != nil {
		return err
	}
	cm.mu.Lock()
	cm.topicsOK[topic] = true
	cm.mu.Unlock()
	return nil
}

// allocate cuts batch t of a KafkaStream: for each owned, active
// partition, from its position to its last stable offset (capped by
// MaxRatePerPartition); the other partitions' ranges are empty.
func (cm *clusterMember) allocate(s *kafkaSource, t Time) (*RDD, int) {
	var ranges []OffsetRange
	n := 0
	for _, topic := range s.topics {
		var starts, ends map[int32]int64
		var err error
		for p := int32(0); p < int32(cm.parts); p++ {
			if !cm.owns(int(p)) {
				ranges = append(ranges, OffsetRange{topic, p, 0, 0})
				continue
			}
			if ends == nil {
				if starts, ends, err = cm.topicEnds(topic); err != nil {
					cm.fail(fmt.Errorf("the ends of topic %q: %w", topic, err))
					ends = map[int32]int64{}
				}
			}
			tp := TopicPartition{topic, p}
			cm.mu.Lock()
			from, ok := cm.positions[tp]
			if !ok {
				if o, has := cm.committed[topic][p]; has {
					from = o.At
				} else if s.cfg.startSet && s.cfg.startMap == nil && s.cfg.startSpec == Earliest {
					from = starts[p]
				} else {
					from = ends[p]
				}
			}
			until := max(ends[p], from)
			if _, known := ends[p]; !known {
				until = from
			}
			if s.cfg.maxRate > 0 {
				until = min(until, from+max(s.cfg.maxRate*durMS(s.ssc.batch)/1000, 1))
			}
			if from < starts[p] {
				from = starts[p] // deleted before it was read
			}
			cm.positions[tp] = until
			cm.mu.Unlock()
			ranges = append(ranges, OffsetRange{topic, p, from, until})
			n += int(until - from)
		}
	}
	return s.rangesRDD(t, ranges), n
}

// end ends batch t: every shuffle made is materialized (so its markers
// are written), then the transaction commits the input positions, the
// reduce sides' positions and the batch's records, or, when anything
// failed, is aborted; the next batch then reloads from what is committed.
//
// It returns the errors the batch reports: none when the partitions moved
// while it ran (its failure is then that of a member that no longer owns
// what it read), as its records are processed again by their new owners.
func (cm *clusterMember) end(t Time, errs []error) []error {
	cm.mu.Lock()
	ok := cm.failed == nil && cm.inTxn && len(errs) == 0
	cm.mu.Unlock()
	if ok {
		cm.feedWindows(t)
	}
	cm.mu.Lock()
	made := cm.made
	cm.mu.Unlock()
	for _, r := range made {
		func() {
			defer func() {
				if p := recover(); p != nil {
					cm.fail(asTaskError(r.op, p))
				}
			}()
			r.ready()
		}()
	}
	cm.mu.Lock()
	failed := cm.failed
	if failed == nil && len(errs) > 0 {
		failed = errs[0]
	}
	asg := cm.asg
	var offsets []cluster.Offset
	for tp, at := range cm.positions {
		if cm.ownsLocked(tp.Partition) {
			offsets = append(offsets, cluster.Offset{Topic: tp.Topic, Partition: tp.Partition, At: at, Metadata: fmt.Sprintf("batch=%d", int64(t))})
		}
	}
	var purge []cluster.Offset
	for _, sh := range cm.shuffles {
		for q, r := range sh.reducers {
			if r == nil {
				continue
			}
			if o, moved := r.Commit(sh.topic, int32(q)); moved {
				offsets = append(offsets, o)
				purge = append(purge, o)
			}
		}
	}
	cm.inTxn = false
	cm.mu.Unlock()
	slices.SortFunc(offsets, func(a, b cluster.Offset) int {
		if c := strings.Compare(a.Topic, b.Topic); c != 0 {
			return c
		}
		return int(a.Partition - b.Partition)
	})
	var err error
	if failed != nil {
		if cm.km.Assignment().Epoch != asg.Epoch {
			errs = nil
			failed = fmt.Errorf("the partitions moved while it ran (%w)", failed)
		}
		err = errors.Join(failed, cm.km.Abort())
	} else {
		// Every transaction writes a record, so that it has something to
		// commit besides the offsets: this member's progress.
		cm.km.Produce(cluster.MetaTopic(cm.cfg.App), 0, []byte("member-"+cm.name), fmt.Appendf(nil, "batch=%d", int64(t)), nil)
		err = cm.km.Commit(asg, offsets)
	}
	cm.mu.Lock()
	if err != nil {
		cm.reload = true
	} else {
		for _, sh := range cm.shuffles {
			for _, r := range sh.reducers {
				if r != nil {
					r.Committed()
				}
			}
		}
		for tp := range cm.positions {
			if cm.ownsLocked(tp.Partition) {
				if cm.lastBatch == nil {
					cm.lastBatch = map[int32]Time{}
				}
				cm.lastBatch[tp.Partition] = t
			}
		}
	}
	cm.mu.Unlock()
	if err != nil {
		cm.logf("aborted batch %s: %v", t, err)
		return errs
	}
	cm.km.Purge(purge)
	return errs
}

// produce writes a record of an output (SaveToKafka) in the batch's
// transaction.
func (cm *clusterMember) produce(topic string, key, value []byte) {
	cm.km.Produce(topic, -1, key, value, nil)
}

// close ends the membership once the last batch is done: the member
// leaves the group, so its partitions move at once.
func (cm *clusterMember) close() { cm.km.Close(true) }

// topic names a topic of the job: APP-<id>-repartition or -changelog.
func (cm *clusterMember) topic(id, kind string) string {
	return cm.cfg.App + "-" + id + "-" + kind
}
