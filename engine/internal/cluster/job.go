package cluster

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

	"github.com/gostream/gostream/engine/internal/codec"
	kafkasrc "github.com/gostream/gostream/engine/internal/source/kafka"
)

// Job is this process's part of a cluster job, batch by batch: the group's
// assignment, the batch's transaction, the positions of the owned input
// partitions, the reduce side of every shuffle, the changelog of every
// stateful stream and the window stores.
//
// A batch is one transaction: Begin, then what the batch writes, then End,
// which commits or aborts it. Everything the job holds for its partitions
// is what its last committed transaction left; when the assignment changes
// or a transaction is aborted, it forgets all of it and loads it again from
// Kafka as the batches need it (committed offsets, changelogs).
type Job[P codec.PairType, T codec.TimeType] struct {
	km       *Member
	cfg      *Master
	name     string
	parts    int   // P: the partition count of every input topic
	zero     int64 // the job's zero time (ms)
	interval int64 // the batch interval (ms)
	topics   []string
	streams  []Stream // the graph's streams, in graph order
	codec    Codec[P, T]
	log      func(line string)

	mu        sync.Mutex
	cur       int         // the stream whose compute is running; -1 for none
	seq       map[int]int // the shuffles each stream made in the batch
	asg       Assignment
	epoch     int
	reload    bool
	inTxn     bool
	t         int64
	shown     string          // the last assignment logged
	positions map[tpart]int64 // next offsets of owned input partitions
	lastBatch map[int32]int64 // the last batch committed for each task, from the offsets' metadata
	committed map[string]map[int32]Offset
	ends      map[string]map[int32]int64 // last stable offsets read this batch
	starts    map[string]map[int32]int64
	shuffles  map[string]*Shuffle[P, T]
	states    map[string]any // *State[S] by topic
	windows   map[string]*WindowStore
	active    string // the tasks the last batch ran
	topicsOK  map[string]bool
	failed    error // a failure inside the batch that aborts it
}

type tpart struct {
	topic string
	p     int32
}

// Codec encodes the elements a job writes to its topics: Elems encodes a
// record's elements; Format shows a key in an error.
type Codec[P codec.PairType, T codec.TimeType] struct {
	Elems  *codec.Codec[P, T]
	Format func(any) string
}

// JobConfig is what Start needs: the master, the input topics (in the
// order the streams name them, repeats dropped), the graph's streams in
// graph order (their operations name the job's topics), the batch
// interval, the codec and where the job's lines go (each without its
// newline).
type JobConfig[P codec.PairType, T codec.TimeType] struct {
	Master   *Master
	Topics   []string
	Streams  []Stream
	Interval time.Duration
	Codec    Codec[P, T]
	Log      func(line string)
}

var memberSeq atomic.Int64

// MemberName is this process's K-th member name, HOST-PID-K, with what
// Kafka does not allow in a transactional ID of the host name replaced.
func MemberName(k int64) string {
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
	return fmt.Sprintf("%s-%d-%d", host, os.Getpid(), k)
}

// Start joins the job: it checks the input topics are co-partitioned,
// joins the group, agrees on the zero time with the other members, and
// returns the job and the first batch time this member runs (the first
// batch boundary after now() that follows the job's zero time). first is
// the batch time the member would start with alone.
func Start[P codec.PairType, T codec.TimeType](cfg JobConfig[P, T], first int64, now func() int64) (*Job[P, T], int64, error) {
	c := cfg.Master
	var topics []string
	for _, t := range cfg.Topics {
		if !slices.Contains(topics, t) {
			topics = append(topics, t)
		}
	}
	j := &Job[P, T]{cfg: c, name: MemberName(memberSeq.Add(1)), topics: topics, streams: cfg.Streams, codec: cfg.Codec, log: cfg.Log, cur: -1,
		shuffles: map[string]*Shuffle[P, T]{}, states: map[string]any{}, windows: map[string]*WindowStore{},
		topicsOK: map[string]bool{}, reload: true}
	counts, err := PartitionCounts(c.Brokers, j.topics)
	if err != nil {
		return nil, 0, fmt.Errorf("the input topics at %s: %v", c.Name(), err)
	}
	if err := CoPartitioned(j.topics, counts); err != nil {
		return nil, 0, err
	}
	j.parts = counts[j.topics[0]]
	km, err := Join(Config{Brokers: c.Brokers, App: c.App, Name: j.name, Topics: j.topics, Session: c.Session, TxnTimeout: c.Txn})
	if err != nil {
		return nil, 0, fmt.Errorf("joining the group %q at %s: %v", c.App, c.Name(), err)
	}
	b := int64(cfg.Interval / time.Millisecond)
	zero, iv, err := km.ZeroTime(first-b, b)
	if err != nil {
		km.Close(true)
		return nil, 0, err
	}
	if iv != b {
		km.Close(true)
		return nil, 0, fmt.Errorf("this member's batch interval %v differs from the job's %v (recorded in topic %s by its first member)", cfg.Interval, time.Duration(iv)*time.Millisecond, MetaTopic(c.App))
	}
	j.km, j.zero, j.interval = km, zero, b
	k := int64(1)
	if t := now(); t > zero {
		k = (t-zero)/b + 1
	}
	return j, zero + k*b, nil
}

// CoPartitioned refuses input topics with different partition counts.
func CoPartitioned(topics []string, counts map[string]int) error {
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

// Zero is the job's zero time (ms): batch times are zero + k × interval.
func (j *Job[P, T]) Zero() int64 { return j.zero }

// Parts is P, the partition count of the input topics: partition q of
// any RDD, shuffle or state goes with task q mod P.
func (j *Job[P, T]) Parts() int { return j.parts }

// Logf writes a line of the member: "cluster APP: member NAME ...".
func (j *Job[P, T]) Logf(format string, args ...any) {
	if j.log != nil {
		j.log(fmt.Sprintf("cluster %s: member %s ", j.cfg.App, j.name) + fmt.Sprintf(format, args...))
	}
}

// Topic names a topic of the job: APP-<id>-<kind>, kind repartition or
// changelog.
func (j *Job[P, T]) Topic(id, kind string) string {
	return j.cfg.App + "-" + id + "-" + kind
}

// StreamID names stream i of the graph in the job's topics: its
// operation (without what follows a parenthesis) and i.
func (j *Job[P, T]) StreamID(i int) string {
	op, _, _ := strings.Cut(j.streams[i].Op, "(")
	return fmt.Sprintf("%s-%d", op, i)
}

// Enter marks the compute of stream i (-1: none) as running and returns
// the one running before, which Leave restores.
func (j *Job[P, T]) Enter(i int) (prev int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	prev, j.cur = j.cur, i
	return prev
}

// Leave restores the stream running before Enter.
func (j *Job[P, T]) Leave(prev int) {
	j.mu.Lock()
	j.cur = prev
	j.mu.Unlock()
}

// ShuffleID names the shuffle the running stream's compute is making: its
// StreamID, followed by .K for its K-th shuffle in the batch after the
// first. "" outside any stream (an RDD operation in a ForeachRDD
// function) or outside a batch: that shuffle stays on this member.
func (j *Job[P, T]) ShuffleID() string {
	j.mu.Lock()
	i := j.cur
	if i < 0 || !j.inTxn {
		j.mu.Unlock()
		return ""
	}
	k := j.seq[i]
	j.seq[i] = k + 1
	j.mu.Unlock()
	id := j.StreamID(i)
	if k > 0 {
		id += "." + strconv.Itoa(k)
	}
	return id
}

// Owns reports whether partition i of an RDD (or of a shuffle or state)
// belongs to this member in the running batch: task i mod P is owned and
// active (its last committed batch is older than this one).
func (j *Job[P, T]) Owns(i int) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.ownsLocked(int32(i % j.parts))
}

func (j *Job[P, T]) ownsLocked(task int32) bool {
	if !j.asg.Owns(task) {
		return false
	}
	last, ok := j.lastBatch[task]
	return !ok || last < j.t
}

// Time is the running batch's time (ms).
func (j *Job[P, T]) Time() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.t
}

// InBatch reports whether a batch's transaction is open.
func (j *Job[P, T]) InBatch() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.inTxn
}

// Healthy reports whether the running batch's transaction is open and
// nothing failed it yet.
func (j *Job[P, T]) Healthy() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.inTxn && j.failed == nil
}

// Begin starts batch t: it takes the assignment, forgets what it held when
// that changed or the last batch was aborted, and opens the transaction.
// It reports whether the tasks this member runs may differ from the last
// batch's (the assignment changed, a batch was aborted, or a task's last
// committed batch held it back): what the caller keeps of its partitions
// across batches must then be computed again.
func (j *Job[P, T]) Begin(t int64) (moved bool) {
	asg := j.km.Assignment()
	j.mu.Lock()
	fresh := asg.Epoch != j.epoch || j.reload
	if fresh {
		j.positions = map[tpart]int64{}
		j.lastBatch = nil
		j.committed = nil
		j.shuffles = map[string]*Shuffle[P, T]{}
		j.states = map[string]any{}
		j.windows = map[string]*WindowStore{}
		j.reload = false
	}
	j.asg, j.epoch, j.t = asg, asg.Epoch, t
	j.seq = map[int]int{}
	j.ends, j.starts, j.failed = nil, nil, nil
	shown := fmt.Sprint(asg.Partitions)
	show := shown != j.shown
	j.shown = shown
	load := j.lastBatch == nil && len(asg.Partitions) > 0
	j.mu.Unlock()
	if show {
		if asg.Partitions == nil {
			shown = "[]"
		}
		j.Logf("owns partitions %s", shown)
	}
	if load {
		if err := j.loadCommitted(); err != nil {
			j.Fail(err)
		}
	}
	j.mu.Lock()
	var active strings.Builder
	for p := range j.parts {
		if j.ownsLocked(int32(p)) {
			fmt.Fprintf(&active, "%d,", p)
		}
	}
	moved = fresh || active.String() != j.active
	j.active = active.String()
	j.mu.Unlock()
	if err := j.km.Begin(); err != nil {
		j.Fail(fmt.Errorf("beginning the transaction: %w", err))
		return moved
	}
	j.mu.Lock()
	j.inTxn = true
	j.mu.Unlock()
	return moved
}

// Fail marks the running batch as failed: End aborts it.
func (j *Job[P, T]) Fail(err error) {
	j.mu.Lock()
	if j.failed == nil {
		j.failed = err
	}
	j.mu.Unlock()
}

// loadCommitted reads the group's committed offsets of the input topics
// (waiting for open transactions), and from their metadata the last batch
// each owned task committed.
func (j *Job[P, T]) loadCommitted() error {
	offs, err := j.km.Committed(j.topics)
	if err != nil {
		return err
	}
	last := map[int32]int64{}
	for _, t := range j.topics {
		for p, o := range offs[t] {
			if b, ok := strings.CutPrefix(o.Metadata, "batch="); ok {
				if n, ok := ParseBatch(b); ok && n > last[p] {
					last[p] = n
				}
			}
		}
	}
	j.mu.Lock()
	j.committed, j.lastBatch = offs, last
	j.mu.Unlock()
	return nil
}

// committedOffset returns the group's committed offset of a partition of
// a topic the job makes (a repartition topic), reading it once per epoch.
func (j *Job[P, T]) committedOffset(topic string, p int32) (Offset, bool, error) {
	j.mu.Lock()
	byTopic, ok := j.committed[topic]
	j.mu.Unlock()
	if !ok {
		offs, err := j.km.Committed([]string{topic})
		if err != nil {
			return Offset{}, false, err
		}
		byTopic = offs[topic]
		if byTopic == nil {
			byTopic = map[int32]Offset{}
		}
		j.mu.Lock()
		if j.committed == nil {
			j.committed = map[string]map[int32]Offset{}
		}
		j.committed[topic] = byTopic
		j.mu.Unlock()
	}
	o, ok := byTopic[p]
	return o, ok, nil
}

// topicEnds returns the log starts and last stable offsets of topic, read
// once per batch.
func (j *Job[P, T]) topicEnds(topic string) (starts, ends map[int32]int64, err error) {
	j.mu.Lock()
	s, e := j.starts[topic], j.ends[topic]
	j.mu.Unlock()
	if e != nil {
		return s, e, nil
	}
	s, e, err = j.km.Ends(topic)
	if err != nil {
		return nil, nil, err
	}
	j.mu.Lock()
	if j.ends == nil {
		j.ends, j.starts = map[string]map[int32]int64{}, map[string]map[int32]int64{}
	}
	j.ends[topic], j.starts[topic] = e, s
	j.mu.Unlock()
	return s, e, nil
}

// readChangelog reads partition q of a changelog topic to its last stable
// offset (ReadChangelog).
func (j *Job[P, T]) readChangelog(topic string, q int) (image map[string]string, order []string, n int, err error) {
	starts, ends, err := j.topicEnds(topic)
	if err != nil {
		return nil, nil, 0, err
	}
	return j.km.ReadChangelog(topic, int32(q), starts[int32(q)], ends[int32(q)])
}

// ensureTopic creates a topic of the job once.
func (j *Job[P, T]) ensureTopic(topic string, n int, compact bool) error {
	j.mu.Lock()
	ok := j.topicsOK[topic]
	j.mu.Unlock()
	if ok {
		return nil
	}
	if err := j.km.EnsureTopic(topic, n, compact); err != nil {
		return err
	}
	j.mu.Lock()
	j.topicsOK[topic] = true
	j.mu.Unlock()
	return nil
}

// Cut cuts the running batch's ranges of an input topic: for each owned,
// active partition p, from its position (the committed offset, else the
// log start with earliest, else the last stable offset) to its last stable
// offset, at most limit records when limit > 0; from[p] = until[p] = 0 for
// the other partitions. A failure to read the ends fails the batch, whose
// ranges are then empty.
func (j *Job[P, T]) Cut(topic string, earliest bool, limit int64) (from, until []int64) {
	from, until = make([]int64, j.parts), make([]int64, j.parts)
	var starts, ends map[int32]int64
	var err error
	for p := int32(0); p < int32(j.parts); p++ {
		if !j.Owns(int(p)) {
			continue
		}
		if ends == nil {
			if starts, ends, err = j.topicEnds(topic); err != nil {
				j.Fail(fmt.Errorf("the ends of topic %q: %w", topic, err))
				ends = map[int32]int64{}
			}
		}
		tp := tpart{topic, p}
		j.mu.Lock()
		f, ok := j.positions[tp]
		if !ok {
			if o, has := j.committed[topic][p]; has {
				f = o.At
			} else if earliest {
				f = starts[p]
			} else {
				f = ends[p]
			}
		}
		u := max(ends[p], f)
		if _, known := ends[p]; !known {
			u = f
		}
		if limit > 0 {
			u = min(u, f+limit)
		}
		if f < starts[p] {
			f = starts[p] // deleted before it was read
		}
		j.positions[tp] = u
		j.mu.Unlock()
		from[p], until[p] = f, u
	}
	return from, until
}

// Ranges cuts the running batch's ranges of an input's topics, in order
// (Cut; at most maxRate records a second over the batch interval, and at
// least one, when maxRate > 0), and counts their offsets.
func (j *Job[P, T]) Ranges(topics []string, earliest bool, maxRate int64) ([]kafkasrc.Range, int) {
	limit := int64(0)
	if maxRate > 0 {
		limit = max(maxRate*j.interval/1000, 1)
	}
	var ranges []kafkasrc.Range
	n := 0
	for _, topic := range topics {
		from, until := j.Cut(topic, earliest, limit)
		for p := range from {
			ranges = append(ranges, kafkasrc.Range{Topic: topic, Partition: int32(p), FromOffset: from[p], UntilOffset: until[p]})
			n += int(until[p] - from[p])
		}
	}
	return ranges, n
}

// Produce writes a record of an output (SaveToKafka) in the batch's
// transaction.
func (j *Job[P, T]) Produce(topic string, key, value []byte) {
	j.km.Produce(topic, -1, key, value, nil)
}

// End ends batch t: the transaction commits the input positions, the
// reduce sides' positions and the batch's records, or, when anything
// failed (Fail, or err, the first error of the batch's outputs), is
// aborted; the next batch then reloads from what is committed. moved
// reports a failed batch whose partitions moved while it ran: its failure
// is that of a member that no longer owns what it read, and its records
// are processed again by their new owners.
func (j *Job[P, T]) End(t int64, err error) (moved bool) {
	j.mu.Lock()
	failed := j.failed
	if failed == nil {
		failed = err
	}
	asg := j.asg
	var offsets []Offset
	for tp, at := range j.positions {
		if j.ownsLocked(tp.p) {
			offsets = append(offsets, Offset{Topic: tp.topic, Partition: tp.p, At: at, Metadata: fmt.Sprintf("batch=%d", t)})
		}
	}
	var purge []Offset
	for _, sh := range j.shuffles {
		for q, r := range sh.reducers {
			if r == nil {
				continue
			}
			if o, moved := r.Commit(sh.Topic, int32(q)); moved {
				offsets = append(offsets, o)
				purge = append(purge, o)
			}
		}
	}
	j.inTxn = false
	j.mu.Unlock()
	slices.SortFunc(offsets, func(a, b Offset) int {
		if c := strings.Compare(a.Topic, b.Topic); c != 0 {
			return c
		}
		return int(a.Partition - b.Partition)
	})
	if failed != nil {
		if j.km.Assignment().Epoch != asg.Epoch {
			moved = true
			failed = fmt.Errorf("the partitions moved while it ran (%w)", failed)
		}
		err = errors.Join(failed, j.km.Abort())
	} else {
		// Every transaction writes a record, so that it has something to
		// commit besides the offsets: this member's progress.
		j.km.Produce(MetaTopic(j.cfg.App), 0, []byte("member-"+j.name), fmt.Appendf(nil, "batch=%d", t), nil)
		err = j.km.Commit(asg, offsets)
	}
	j.mu.Lock()
	if err != nil {
		j.reload = true
	} else {
		for _, sh := range j.shuffles {
			for _, r := range sh.reducers {
				if r != nil {
					r.Committed()
				}
			}
		}
		for tp := range j.positions {
			if j.ownsLocked(tp.p) {
				if j.lastBatch == nil {
					j.lastBatch = map[int32]int64{}
				}
				j.lastBatch[tp.p] = t
			}
		}
	}
	j.mu.Unlock()
	if err != nil {
		j.Logf("aborted batch %d ms: %v", t, err)
		return moved
	}
	j.km.Purge(purge)
	return moved
}

// Close ends the membership once the last batch is done: the member
// leaves the group, so its partitions move at once.
func (j *Job[P, T]) Close() { j.km.Close(true) }
