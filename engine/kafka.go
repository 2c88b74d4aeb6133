package engine

import (
	"fmt"
	"strings"
	"time"

	kafkasrc "github.com/gostream/gostream/engine/internal/source/kafka"
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

type kafkaConfig = kafkasrc.Options

// StartingOffsets sets where a KafkaStream starts when the checkpoint has no
// position: Earliest, Latest, a map[TopicPartition]int64 of offsets (other
// partitions start from the group's committed offsets), or a time.Time (the
// first record at or after it). Without it a stream starts from the group's
// committed offsets, and from Latest where the group has none.
func StartingOffsets(at any) KafkaOption {
	var set func(*kafkasrc.Starting)
	switch v := at.(type) {
	case OffsetSpec:
		set = func(st *kafkasrc.Starting) { st.Earliest = v == Earliest }
	case map[TopicPartition]int64:
		m, err := kafkasrc.OffsetsOf(v)
		if err != nil {
			buildErrorf("StartingOffsets", "%v", err)
		}
		set = func(st *kafkasrc.Starting) { st.Offsets = m }
	case time.Time:
		set = func(st *kafkasrc.Starting) { st.Time = v }
	default:
		buildErrorf("StartingOffsets", "want engine.Earliest, engine.Latest, a map[engine.TopicPartition]int64 or a time.Time, got %T", at)
	}
	return func(c *kafkaConfig) {
		c.Starting.Set = true
		set(&c.Starting)
		c.SourceOnly = "StartingOffsets"
	}
}

// MaxRatePerPartition limits a KafkaStream to n records a second from each
// partition (Spark's spark.streaming.kafka.maxRatePerPartition); a batch
// still takes at least one record from each partition that has one.
func MaxRatePerPartition(n int) KafkaOption {
	if n <= 0 {
		buildErrorf("MaxRatePerPartition", "want a positive rate, got %d", n)
	}
	return func(c *kafkaConfig) { c.MaxRatePerPartition = int64(n); c.SourceOnly = "MaxRatePerPartition" }
}

// ReadUncommitted makes a KafkaStream read up to the high watermark,
// records of open and aborted transactions included; by default it reads
// only committed records, up to the last stable offset.
func ReadUncommitted() KafkaOption {
	return func(c *kafkaConfig) { c.ReadUncommitted = true; c.SourceOnly = "ReadUncommitted" }
}

// Transactional makes SaveToKafka write each batch's output, and the
// offsets its Kafka streams consumed, in one Kafka transaction: consumers
// reading with read_committed see every batch exactly once, also across
// failures and restarts from a checkpoint.
func Transactional() KafkaOption {
	return func(c *kafkaConfig) { c.Transactional = true; c.SinkOnly = "Transactional" }
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
	if err := kafkasrc.CheckStream(kafka.Brokers, topics); err != nil {
		buildErrorf(op, "%v", err)
	}
	if ssc.cluster != nil {
		ssc.clusterInput(op, topics)
	}
	cfg, err := kafkasrc.StreamOptions(opts)
	if err != nil {
		buildErrorf(op, "%v", err)
	}
	src := &kafkaSource{ssc: ssc, kafka: kafka, topics: append([]string(nil), topics...), cfg: cfg,
		src: kafka.source(topics, cfg, ssc)}
	d := ssc.addInput(op, src)
	kd := &KafkaDStream{DStream: d, src: src}
	src.stream = kd
	return kd
}

// OffsetRangesOf returns the offset ranges of an RDD of a KafkaStream, as
// Spark's HasOffsetRanges: range i is what partition i holds. It panics with
// *Error for any other RDD, one made by a transformation included: take the
// ranges in the stream's own ForeachRDD or Transform.
func OffsetRangesOf(rdd *RDD) []OffsetRange {
	if rdd != nil {
		if rs, ok := kafkasrc.RangesOf(rdd); ok {
			return offsetRanges(rs) // a copy
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
	if k.src.kafka.Group == "" {
		buildErrorf("CommitAsync", "the stream's Kafka has no Group to commit to; set Kafka.Group")
	}
	var cb func(error)
	if len(callback) > 0 {
		cb = callback[0]
	}
	k.src.src.Commit(kafkaRanges(ranges), cb)
}

// kafkaSource is the input source behind a KafkaStream: the engine's side
// (RDDs, errors) of a kafkasrc.Stream.
type kafkaSource struct {
	ssc    *StreamingContext
	stream *KafkaDStream
	kafka  Kafka
	topics []string
	cfg    kafkaConfig
	src    *kafkasrc.Stream
}

// source makes the internal stream of a KafkaStream.
func (k Kafka) source(topics []string, cfg kafkaConfig, ssc *StreamingContext) *kafkasrc.Stream {
	return kafkasrc.NewStream(cfg.Config(k.Brokers, k.Group, topics, ssc.batch), func(msg string, err error) {
		// A problem reaching Kafka is reported as receivers report theirs.
		ssc.reportReceiverError(ReceiverErrorInfo{Stream: "KafkaStream", Msg: msg, Err: err, Time: time.Now()})
	})
}

// kafkaRanges converts offset ranges to the internal package's.
func kafkaRanges(rs []OffsetRange) []kafkasrc.Range { return kafkasrc.ToRanges(rs) }

// offsetRanges converts the internal package's ranges to offset ranges.
func offsetRanges(rs []kafkasrc.Range) []OffsetRange { return kafkasrc.FromRanges[OffsetRange](rs) }

func (s *kafkaSource) start(ssc *StreamingContext) error {
	if err := s.src.Connect(); err != nil {
		return err
	}
	if ssc.backpressure {
		s.src.Backpressure(float64(ssc.bpInitial), newPIDRateEstimator(ssc.batch)) // the initial rate until the first estimate
		ssc.AddStreamingListener(&kafkaRateListener{s.src})
	}
	return nil
}

func (s *kafkaSource) stop(graceful bool) {
	if !graceful {
		s.src.Close()
	}
	// A graceful stop still runs the last batch, whose commits stopped awaits.
}

// stopped is called once the context's last batch is done.
func (s *kafkaSource) stopped() { s.src.Close() }

// allocate cuts batch t (kafkasrc.Stream's Cut, or a cluster member's).
func (s *kafkaSource) allocate(t Time) (*RDD, int) {
	if cm := s.ssc.ex.cluster; cm != nil {
		return cm.allocate(s, t)
	}
	next, n := s.src.Cut(int64(t), t.String())
	return s.rangesRDD(t, offsetRanges(next)), int(n)
}

// rangesRDD makes the RDD of batch t and remembers its ranges.
func (s *kafkaSource) rangesRDD(t Time, ranges []OffsetRange) *RDD {
	rs := append([]OffsetRange(nil), ranges...)
	rdd := newRDD(s.ssc.ex, "KafkaStream", len(rs), nil, func(p int, emit func(any)) {
		err := s.src.Fetch(kafkasrc.Range(rs[p]), func(r kafkasrc.Record) { emit(KafkaRecord(r)) })
		if err != nil {
			panic(taskFailure{&Error{Op: "KafkaStream", Time: t, Msg: fmt.Sprintf("reading %v from the brokers %s: %v", rs[p], s.kafka, err), Err: err}})
		}
	})
	// Keep the ranges of the recent batches: the checkpoint, the transactional
	// sink and OffsetRangesOf read them while the batch runs.
	s.src.Batches.Put(int64(t), kafkaRanges(rs), rdd, max(64, int(s.ssc.rememberDur/s.ssc.batch)+2))
	return rdd
}

// rateInForce is the records/s limit the last batch was cut with (0: none).
func (s *kafkaSource) rateInForce() float64 { return s.src.RateInForce() }

// pending reports whether records wait past the current positions; a
// manual-clock graceful stop runs one more batch for them.
func (s *kafkaSource) pending() bool { return false }

// Checkpointing: a batch's record is its ranges, and the position is where
// the next batch starts each partition.

func (s *kafkaSource) batchRecord(t Time) ([]byte, error) { return s.src.Record(int64(t), t.String()) }

func (s *kafkaSource) rebuild(t Time, rec []byte) (*RDD, int, error) {
	rs, n, err := s.src.Rebuild(int64(t), rec, t.String())
	if err != nil {
		return nil, 0, err
	}
	return s.rangesRDD(t, offsetRanges(rs)), int(n), nil
}

func (s *kafkaSource) position() ([]byte, error) { return s.src.Position() }

func (s *kafkaSource) restorePosition(pos []byte) error { return s.src.RestorePosition(pos) }
