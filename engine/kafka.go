package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Kafka names a Kafka cluster and the consumer group whose offsets a
// KafkaStream starts from and commits to.
type Kafka struct {
	Brokers []string // bootstrap host:port addresses
	Group   string   // the consumer group (needed for committed offsets, CommitAsync and Transactional)
}

func (k Kafka) String() string { return strings.Join(k.Brokers, ",") }

// KafkaRecord is one record a KafkaStream read.
type KafkaRecord struct {
	Topic     string
	Partition int32
	Offset    int64
	Key       string
	Value     string
	Timestamp time.Time
	Headers   map[string]string
}

// TopicPartition names one partition of a topic.
type TopicPartition struct {
	Topic     string
	Partition int32
}

func (tp TopicPartition) String() string { return fmt.Sprintf("%s-%d", tp.Topic, tp.Partition) }

// OffsetRange is the records [FromOffset, UntilOffset) of one
// topic-partition that a batch reads, as Spark's OffsetRange.
type OffsetRange struct {
	Topic       string
	Partition   int32
	FromOffset  int64
	UntilOffset int64
}

// Count is the number of offsets in the range (records, control markers
// and compacted-away offsets included).
func (r OffsetRange) Count() int64 { return r.UntilOffset - r.FromOffset }

// TopicPartition returns the range's topic-partition.
func (r OffsetRange) TopicPartition() TopicPartition { return TopicPartition{r.Topic, r.Partition} }

func (r OffsetRange) String() string {
	return fmt.Sprintf("OffsetRange(topic: '%s', partition: %d, range: [%d -> %d])", r.Topic, r.Partition, r.FromOffset, r.UntilOffset)
}

// OffsetSpec is where a KafkaStream starts a partition without a
// checkpointed position: Earliest or Latest.
type OffsetSpec int

// The starting positions StartingOffsets takes besides a map of offsets and
// a time.
const (
	Latest   OffsetSpec = iota // the end of each partition: only records produced after the start
	Earliest                   // the start of each partition: everything it still holds
)

func (s OffsetSpec) String() string {
	if s == Earliest {
		return "Earliest"
	}
	return "Latest"
}

// KafkaOption configures KafkaStream and SaveToKafka.
type KafkaOption func(*kafkaConfig)

type kafkaConfig struct {
	startSet      bool
	startSpec     OffsetSpec
	startMap      map[TopicPartition]int64
	startTime     time.Time
	maxRate       int64 // per partition, records/s; 0: none
	transactional bool
	uncommitted   bool
	sinkOnly      string // the name of a sink option, for errors
	sourceOnly    string
}

// StartingOffsets sets where a KafkaStream starts when the checkpoint has no
// position: Earliest, Latest, a map[TopicPartition]int64 of offsets (other
// partitions start from the group's committed offsets), or a time.Time (the
// first record at or after it). Without it a stream starts from the group's
// committed offsets, and from Latest where the group has none.
func StartingOffsets(at any) KafkaOption {
	var set func(*kafkaConfig)
	switch v := at.(type) {
	case OffsetSpec:
		set = func(c *kafkaConfig) { c.startSpec = v }
	case map[TopicPartition]int64:
		m := make(map[TopicPartition]int64, len(v))
		for tp, o := range v {
			if o < 0 {
				buildErrorf("StartingOffsets", "offset %d of %s: want a non-negative offset", o, tp)
			}
			m[tp] = o
		}
		set = func(c *kafkaConfig) { c.startMap = m }
	case time.Time:
		set = func(c *kafkaConfig) { c.startTime = v }
	default:
		buildErrorf("StartingOffsets", "want engine.Earliest, engine.Latest, a map[engine.TopicPartition]int64 or a time.Time, got %T", at)
	}
	return func(c *kafkaConfig) {
		c.startSet = true
		set(c)
		c.sourceOnly = "StartingOffsets"
	}
}

// MaxRatePerPartition limits a KafkaStream to n records a second from each
// partition (Spark's spark.streaming.kafka.maxRatePerPartition); a batch
// still takes at least one record from each partition that has one.
func MaxRatePerPartition(n int) KafkaOption {
	if n <= 0 {
		buildErrorf("MaxRatePerPartition", "want a positive rate, got %d", n)
	}
	return func(c *kafkaConfig) { c.maxRate = int64(n); c.sourceOnly = "MaxRatePerPartition" }
}

// ReadUncommitted makes a KafkaStream read up to the high watermark,
// records of open and aborted transactions included; by default it reads
// only committed records, up to the last stable offset.
func ReadUncommitted() KafkaOption {
	return func(c *kafkaConfig) { c.uncommitted = true; c.sourceOnly = "ReadUncommitted" }
}

// Transactional makes SaveToKafka write each batch's output, and the
// offsets its Kafka streams consumed, in one Kafka transaction: consumers
// reading with read_committed see every batch exactly once, also across
// failures and restarts from a checkpoint.
func Transactional() KafkaOption {
	return func(c *kafkaConfig) { c.transactional = true; c.sinkOnly = "Transactional" }
}

// KafkaDStream is the stream of a KafkaStream: a *DStream of KafkaRecord
// whose RDDs carry their offset ranges (OffsetRangesOf).
type KafkaDStream struct {
	*DStream
	src *kafkaSource
}

// KafkaStream returns a direct stream of the records of topics, as Spark's
// KafkaUtils.createDirectStream: each batch reads one offset range per
// topic-partition, from where the previous batch ended to the end of the
// partition (the last stable offset: only committed records), and its RDD
// has one partition per range, in the order of OffsetRangesOf. Partitions
// added to the topics later are read from their start. A stream starts
// from the checkpoint's offsets when recovered, else from StartingOffsets,
// else from the group's committed offsets. See docs/kafka.md.
func (ssc *StreamingContext) KafkaStream(kafka Kafka, topics []string, opts ...KafkaOption) *KafkaDStream {
	const op = "KafkaStream"
	if len(kafka.Brokers) == 0 {
		buildErrorf(op, "want at least one broker address in Kafka.Brokers")
	}
	if len(topics) == 0 {
		buildErrorf(op, "want at least one topic")
	}
	for _, t := range topics {
		if t == "" {
			buildErrorf(op, "want topic names, got an empty one")
		}
	}
	var cfg kafkaConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
			if cfg.sinkOnly != "" {
				buildErrorf(op, "%s is an option of SaveToKafka, not of KafkaStream", cfg.sinkOnly)
			}
		}
	}
	src := &kafkaSource{ssc: ssc, kafka: kafka, topics: append([]string(nil), topics...), cfg: cfg,
		pos: map[TopicPartition]int64{}, batches: map[Time]*kafkaBatch{}}
	d := ssc.addInput(op, src)
	kd := &KafkaDStream{DStream: d, src: src}
	src.stream = kd
	return kd
}

// kafkaRDDs maps the RDDs KafkaStream made to their offset ranges.
var kafkaRDDs sync.Map // *RDD → []OffsetRange

// OffsetRangesOf returns the offset ranges of an RDD of a KafkaStream, as
// Spark's HasOffsetRanges: range i is what partition i holds. It panics with
// *Error for any other RDD, one made by a transformation included: take the
// ranges in the stream's own ForeachRDD or Transform.
func OffsetRangesOf(rdd *RDD) []OffsetRange {
	if rdd != nil {
		if v, ok := kafkaRDDs.Load(rdd); ok {
			return append([]OffsetRange(nil), v.([]OffsetRange)...)
		}
	}
	buildErrorf("OffsetRangesOf", "the RDD is not one a KafkaStream made (%s); call it on the stream's own RDDs, in its ForeachRDD or Transform, before any other operation", rddName(rdd))
	return nil
}

func rddName(r *RDD) string {
	if r == nil {
		return "nil"
	}
	return "an RDD of " + r.op
}

// CommitAsync commits the UntilOffset of each range as the group's offset,
// in the background, as Spark's CanCommitOffsets.commitAsync; callback, if
// given, is called with the result. Commits are applied in the order they
// were asked for and never move a partition's offset back, and a graceful
// Stop waits for them, so the offsets given in the last batch are committed.
func (k *KafkaDStream) CommitAsync(ranges []OffsetRange, callback ...func(error)) {
	s := k.src
	if s.kafka.Group == "" {
		buildErrorf("CommitAsync", "the stream's Kafka has no Group to commit to; set Kafka.Group")
	}
	var cb func(error)
	if len(callback) > 0 {
		cb = callback[0]
	}
	s.commitMu.Lock()
	s.commitWG.Add(1)
	s.commitQ = append(s.commitQ, kafkaCommit{append([]OffsetRange(nil), ranges...), cb})
	if !s.committing {
		s.committing = true
		go s.commitLoop()
	}
	s.commitMu.Unlock()
}

type kafkaCommit struct {
	ranges []OffsetRange
	cb     func(error)
}

// kafkaBatch is what the stream handed to one batch.
type kafkaBatch struct {
	ranges []OffsetRange
	rdd    *RDD
}

// kafkaSource is the input source behind a KafkaStream.
type kafkaSource struct {
	ssc    *StreamingContext
	stream *KafkaDStream
	kafka  Kafka
	topics []string
	cfg    kafkaConfig

	mu       sync.Mutex
	cl       *kgo.Client
	adm      *kadm.Client
	ctx      context.Context
	cancel   context.CancelFunc
	meta     map[string]kadm.TopicDetail // the latest metadata of the topics
	pos      map[TopicPartition]int64    // where the next batch starts each partition
	closed   bool
	restored bool // pos came from a checkpoint
	seeded   bool // the starting offsets were looked up
	batches  map[Time]*kafkaBatch
	order    []Time
	rate     float64 // records/s in force for the last batch (all partitions); 0: none
	estRate  float64 // the backpressure estimate, records/s; 0: none yet
	counts   map[Time]int64
	errShown string // the last error reported, so a failing cluster is reported once per change

	commitMu   sync.Mutex
	commitQ    []kafkaCommit
	committing bool
	commitWG   sync.WaitGroup
	committed  map[TopicPartition]int64
}

func (s *kafkaSource) start(ssc *StreamingContext) error {
	if _, _, _, err := s.client(); err != nil {
		return err
	}
	if ssc.backpressure {
		s.mu.Lock()
		s.estRate = float64(ssc.bpInitial) // until the first estimate
		s.mu.Unlock()
		ssc.AddStreamingListener(&kafkaRateListener{s: s, est: newPIDRateEstimator(ssc.batch)})
	}
	return nil
}

func (s *kafkaSource) stop(graceful bool) {
	if !graceful {
		s.close()
	}
	// A graceful stop still runs the last batch, whose commits closeAfter awaits.
}

// stopped is called once the context's last batch is done.
func (s *kafkaSource) stopped() { s.close() }

func (s *kafkaSource) close() {
	s.commitWG.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	if s.cl != nil {
		s.cancel()
		s.cl.Close()
		s.cl = nil
	}
}

// report tells the user about a problem reaching Kafka, as receivers report
// theirs, once until it changes.
func (s *kafkaSource) report(msg string, err error) {
	s.mu.Lock()
	shown := s.errShown
	s.errShown = msg + err.Error()
	s.mu.Unlock()
	if shown == msg+err.Error() {
		return
	}
	ssc := s.ssc
	info := ReceiverErrorInfo{Stream: "KafkaStream", Msg: msg, Err: err, Time: time.Now()}
	ssc.outMu.Lock()
	if ssc.batchLog != nil {
		fmt.Fprintf(ssc.batchLog, "%v\n", info)
	}
	ssc.outMu.Unlock()
	for _, l := range ssc.listenerList() {
		if el, ok := l.(ReceiverErrorListener); ok {
			el.OnReceiverError(info)
		}
	}
}

func (s *kafkaSource) clearReport() {
	s.mu.Lock()
	s.errShown = ""
	s.mu.Unlock()
}

// requestTimeout bounds one round of requests to the cluster.
func (s *kafkaSource) requestTimeout() time.Duration {
	return min(max(s.ssc.batch, 2*time.Second), 10*time.Second)
}

// allocate cuts batch t: one range per partition, from the previous end to
// the partition's end (limited by the rate). When the cluster cannot be
// reached the batch has the previous partitions with empty ranges, the
// error is reported, and the next batch tries again.
func (s *kafkaSource) allocate(t Time) (*RDD, int) {
	ranges, err := s.nextRanges()
	if err != nil {
		s.report(fmt.Sprintf("topics %s at the brokers %s: the batch of %s reads nothing new and the next batch tries again", strings.Join(s.topics, ","), s.kafka, t), err)
	} else {
		s.clearReport()
	}
	n := int64(0)
	for _, r := range ranges {
		n += r.Count()
	}
	rdd := s.rangesRDD(t, ranges)
	s.mu.Lock()
	if s.counts == nil {
		s.counts = map[Time]int64{}
	}
	s.counts[t] = n
	s.mu.Unlock()
	return rdd, int(n)
}

// rangesRDD makes the RDD of batch t and remembers its ranges.
func (s *kafkaSource) rangesRDD(t Time, ranges []OffsetRange) *RDD {
	rs := append([]OffsetRange(nil), ranges...)
	rdd := newRDD(s.ssc.ex, "KafkaStream", len(rs), nil, func(p int, emit func(any)) {
		if err := s.fetchRange(rs[p], emit); err != nil {
			panic(taskFailure{&Error{Op: "KafkaStream", Time: t, Msg: fmt.Sprintf("reading %v from the brokers %s: %v", rs[p], s.kafka, err), Err: err}})
		}
	})
	kafkaRDDs.Store(rdd, rs)
	s.mu.Lock()
	if old, ok := s.batches[t]; ok {
		kafkaRDDs.Delete(old.rdd)
	} else {
		s.order = append(s.order, t)
	}
	s.batches[t] = &kafkaBatch{ranges: rs, rdd: rdd}
	// Keep the ranges of the recent batches: the checkpoint, the transactional
	// sink and OffsetRangesOf read them while the batch runs.
	keep := max(64, int(s.ssc.rememberDur/s.ssc.batch)+2)
	for len(s.order) > keep {
		old := s.order[0]
		s.order = s.order[1:]
		if b, ok := s.batches[old]; ok {
			kafkaRDDs.Delete(b.rdd)
			delete(s.batches, old)
		}
		delete(s.counts, old)
	}
	s.mu.Unlock()
	return rdd
}

// rangesAt returns the ranges of batch t, if the stream remembers it.
func (s *kafkaSource) rangesAt(t Time) ([]OffsetRange, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.batches[t]
	if !ok {
		return nil, false
	}
	return b.ranges, true
}

// client returns the stream's client, made on first use (recovery reads
// batches before the stream starts).
func (s *kafkaSource) client() (*kgo.Client, *kadm.Client, context.Context, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, nil, nil, errors.New("the stream is stopped")
	}
	if s.cl == nil {
		cl, err := kgo.NewClient(kgo.SeedBrokers(s.kafka.Brokers...), kgo.ClientID("gostream"),
			kgo.RetryTimeout(5*time.Second), kgo.RequestRetries(2))
		if err != nil {
			return nil, nil, nil, fmt.Errorf("brokers %s: %w", s.kafka, err)
		}
		s.cl, s.adm = cl, kadm.NewClient(cl)
		s.ctx, s.cancel = context.WithCancel(context.Background())
	}
	return s.cl, s.adm, s.ctx, nil
}

// nextRanges looks up the partitions and their ends and returns the ranges
// of the next batch; on failure, the empty ranges at the current positions.
func (s *kafkaSource) nextRanges() ([]OffsetRange, error) {
	_, adm, base, err := s.client()
	if err != nil {
		return s.emptyRanges(), err
	}
	ctx, cancel := context.WithTimeout(base, s.requestTimeout())
	defer cancel()
	meta, err := adm.Metadata(ctx, s.topics...)
	if err != nil {
		return s.emptyRanges(), err
	}
	var problems []error
	s.mu.Lock()
	if s.meta == nil {
		s.meta = map[string]kadm.TopicDetail{}
	}
	var live []string
	for _, t := range s.topics {
		td, ok := meta.Topics[t]
		if !ok || td.Err != nil {
			e := td.Err
			if e == nil {
				e = errors.New("not in the metadata")
			}
			problems = append(problems, fmt.Errorf("topic %q: %w", t, e))
			delete(s.meta, t)
			continue
		}
		s.meta[t] = td
		live = append(live, t)
	}
	s.mu.Unlock()
	if len(live) == 0 {
		return s.emptyRanges(), errors.Join(problems...)
	}
	var ends kadm.ListedOffsets
	if s.cfg.uncommitted {
		ends, err = adm.ListEndOffsets(ctx, live...)
	} else {
		ends, err = adm.ListCommittedOffsets(ctx, live...)
	}
	if err != nil {
		return s.emptyRanges(), err
	}
	starts, err := adm.ListStartOffsets(ctx, live...)
	if err != nil {
		return s.emptyRanges(), err
	}
	if err := s.seed(ctx, adm, live, starts, ends); err != nil {
		return s.emptyRanges(), err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var ranges []OffsetRange
	for _, t := range live {
		ps := ends[t]
		parts := make([]int32, 0, len(ps))
		for p := range ps {
			parts = append(parts, p)
		}
		sort.Slice(parts, func(i, j int) bool { return parts[i] < parts[j] })
		for _, p := range parts {
			e := ps[p]
			tp := TopicPartition{t, p}
			if e.Err != nil {
				problems = append(problems, fmt.Errorf("partition %s: %w", tp, e.Err))
				if from, ok := s.pos[tp]; ok {
					ranges = append(ranges, OffsetRange{t, p, from, from})
				}
				continue
			}
			from, ok := s.pos[tp]
			if !ok {
				// A partition that appeared after the start is read from its start.
				from = starts[t][p].Offset
			}
			start := starts[t][p].Offset
			if from < start {
				problems = append(problems, fmt.Errorf("partition %s: offsets %d to %d were deleted before they were read (retention, compaction or DeleteRecords); reading on from %d", tp, from, start, start))
				from = start
			}
			if e.Offset < from {
				problems = append(problems, fmt.Errorf("partition %s: its end offset %d is before the stream's position %d (the topic was deleted and created again?); reading it from its start %d", tp, e.Offset, from, start))
				from = start
			}
			ranges = append(ranges, OffsetRange{t, p, from, e.Offset})
		}
	}
	s.limit(ranges)
	for _, r := range ranges {
		s.pos[r.TopicPartition()] = r.UntilOffset
	}
	return ranges, errors.Join(problems...)
}

// emptyRanges is a batch at the current positions that reads nothing.
func (s *kafkaSource) emptyRanges() []OffsetRange {
	s.mu.Lock()
	defer s.mu.Unlock()
	tps := make([]TopicPartition, 0, len(s.pos))
	for tp := range s.pos {
		tps = append(tps, tp)
	}
	sortTopicPartitions(tps, s.topics)
	out := make([]OffsetRange, len(tps))
	for i, tp := range tps {
		out[i] = OffsetRange{tp.Topic, tp.Partition, s.pos[tp], s.pos[tp]}
	}
	return out
}

// sortTopicPartitions orders by the topics' order in the stream, then by partition.
func sortTopicPartitions(tps []TopicPartition, topics []string) {
	rank := map[string]int{}
	for i, t := range topics {
		rank[t] = i
	}
	sort.Slice(tps, func(i, j int) bool {
		if tps[i].Topic != tps[j].Topic {
			return rank[tps[i].Topic] < rank[tps[j].Topic]
		}
		return tps[i].Partition < tps[j].Partition
	})
}

// seed sets the starting offsets of the partitions known at the first batch:
// the checkpoint's, else StartingOffsets, else the group's committed ones,
// else the end.
func (s *kafkaSource) seed(ctx context.Context, adm *kadm.Client, topics []string, starts, ends kadm.ListedOffsets) error {
	s.mu.Lock()
	done := s.seeded
	s.mu.Unlock()
	if done {
		return nil
	}
	var committed kadm.OffsetResponses
	if s.kafka.Group != "" && (!s.cfg.startSet || s.cfg.startMap != nil) {
		var err error
		committed, err = adm.FetchOffsetsForTopics(ctx, s.kafka.Group, topics...)
		if errors.Is(err, kerr.GroupIDNotFound) {
			committed, err = nil, nil // a new group: nothing committed
		}
		if err != nil {
			return fmt.Errorf("reading the committed offsets of group %q: %w", s.kafka.Group, err)
		}
	}
	var byTime kadm.ListedOffsets
	if !s.cfg.startTime.IsZero() {
		var err error
		byTime, err = adm.ListOffsetsAfterMilli(ctx, s.cfg.startTime.UnixMilli(), topics...)
		if err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range topics {
		for p, e := range ends[t] {
			tp := TopicPartition{t, p}
			if _, ok := s.pos[tp]; ok {
				continue // from the checkpoint
			}
			if s.restored {
				// The checkpoint did not know the partition: it is new.
				continue
			}
			if o, ok := s.cfg.startMap[tp]; ok {
				s.pos[tp] = o
				continue
			}
			switch {
			case !s.cfg.startTime.IsZero():
				if o, ok := byTime.Lookup(t, p); ok && o.Err == nil && o.Offset >= 0 {
					s.pos[tp] = o.Offset
				} else {
					s.pos[tp] = e.Offset // nothing at or after the time yet
				}
			case s.cfg.startSet && s.cfg.startMap == nil && s.cfg.startSpec == Earliest:
				s.pos[tp] = starts[t][p].Offset
			case s.cfg.startSet && s.cfg.startMap == nil:
				s.pos[tp] = e.Offset
			default:
				if c, ok := committed.Lookup(t, p); ok && c.Err == nil && c.At >= 0 {
					s.pos[tp] = c.At
				} else {
					s.pos[tp] = e.Offset
				}
			}
		}
	}
	s.seeded = true
	return nil
}

// limit caps each range by the rate in force: MaxRatePerPartition, and the
// backpressure estimate shared among the partitions by their lag, as
// Spark's DirectKafkaInputDStream.maxMessagesPerPartition; a capped range
// keeps at least one record.
func (s *kafkaSource) limit(ranges []OffsetRange) {
	secs := s.ssc.batch.Seconds()
	est := s.estRate
	var total int64
	for _, r := range ranges {
		total += r.Count()
	}
	s.rate = 0
	if est <= 0 && s.cfg.maxRate <= 0 {
		return
	}
	var inForce float64
	for i, r := range ranges {
		lag := r.Count()
		perPart := float64(-1)
		if est > 0 && total > 0 {
			perPart = float64(lag) / float64(total) * est
			if s.cfg.maxRate > 0 {
				perPart = min(perPart, float64(s.cfg.maxRate))
			}
		} else if est > 0 {
			perPart = est / float64(max(len(ranges), 1))
			if s.cfg.maxRate > 0 {
				perPart = min(perPart, float64(s.cfg.maxRate))
			}
		} else {
			perPart = float64(s.cfg.maxRate)
		}
		inForce += perPart
		most := max(int64(perPart*secs), 1)
		if lag > most {
			ranges[i].UntilOffset = r.FromOffset + most
		}
	}
	s.rate = inForce
}

// rateInForce is the records/s limit the last batch was cut with (0: none).
func (s *kafkaSource) rateInForce() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rate
}

// pending reports whether records wait past the current positions; a
// manual-clock graceful stop runs one more batch for them.
func (s *kafkaSource) pending() bool { return false }

// Checkpointing: a batch's record is its ranges, and the position is where
// the next batch starts each partition.

func (s *kafkaSource) batchRecord(t Time) ([]byte, error) {
	ranges, ok := s.rangesAt(t)
	if !ok {
		return nil, fmt.Errorf("no offset ranges for batch %s", t)
	}
	return json.Marshal(ranges)
}

func (s *kafkaSource) rebuild(t Time, rec []byte) (*RDD, int, error) {
	var ranges []OffsetRange
	if err := json.Unmarshal(rec, &ranges); err != nil {
		return nil, 0, fmt.Errorf("the offset ranges of batch %s: %v", t, err)
	}
	n := int64(0)
	for _, r := range ranges {
		n += r.Count()
	}
	s.mu.Lock()
	if s.counts == nil {
		s.counts = map[Time]int64{}
	}
	s.counts[t] = n
	s.mu.Unlock()
	return s.rangesRDD(t, ranges), int(n), nil
}

type kafkaPosition struct {
	Offsets []OffsetRange // FromOffset: where the next batch starts
}

func (s *kafkaSource) position() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var p kafkaPosition
	for tp, o := range s.pos {
		p.Offsets = append(p.Offsets, OffsetRange{tp.Topic, tp.Partition, o, o})
	}
	sort.Slice(p.Offsets, func(i, j int) bool {
		a, b := p.Offsets[i], p.Offsets[j]
		return a.Topic < b.Topic || a.Topic == b.Topic && a.Partition < b.Partition
	})
	return json.Marshal(p)
}

func (s *kafkaSource) restorePosition(pos []byte) error {
	var p kafkaPosition
	if err := json.Unmarshal(pos, &p); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range p.Offsets {
		s.pos[o.TopicPartition()] = o.FromOffset
	}
	s.restored = true
	return nil
}

// commitLoop applies the queued commits in order.
func (s *kafkaSource) commitLoop() {
	for {
		s.commitMu.Lock()
		if len(s.commitQ) == 0 {
			s.committing = false
			s.commitMu.Unlock()
			return
		}
		c := s.commitQ[0]
		s.commitQ = s.commitQ[1:]
		s.commitMu.Unlock()
		err := s.commit(c.ranges)
		if err != nil {
			s.report("committing offsets of group "+s.kafka.Group, err)
		}
		if c.cb != nil {
			func() {
				defer func() { recover() }()
				c.cb(err)
			}()
		}
		s.commitWG.Done()
	}
}

func (s *kafkaSource) commit(ranges []OffsetRange) error {
	_, adm, base, err := s.client()
	if err != nil {
		return err
	}
	offs := kadm.Offsets{}
	s.commitMu.Lock()
	if s.committed == nil {
		s.committed = map[TopicPartition]int64{}
	}
	for _, r := range ranges {
		tp := r.TopicPartition()
		if prev, ok := s.committed[tp]; ok && prev >= r.UntilOffset {
			continue
		}
		offs.AddOffset(r.Topic, r.Partition, r.UntilOffset, -1)
	}
	s.commitMu.Unlock()
	if len(offs) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(base, 30*time.Second)
	defer cancel()
	if err := adm.CommitAllOffsets(ctx, s.kafka.Group, offs); err != nil {
		return err
	}
	s.commitMu.Lock()
	offs.Each(func(o kadm.Offset) { s.committed[TopicPartition{o.Topic, o.Partition}] = o.At })
	s.commitMu.Unlock()
	return nil
}
