package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// SaveToKafka writes every RDD to topic: a Pair becomes a record with key
// and value formatted as Print formats them, any other element a record
// with that value and no key. Without options the writes are idempotent
// and at least once (a batch re-run after a failure writes its records
// again); with Transactional() each batch's records and the offsets its
// Kafka streams consumed are committed in one Kafka transaction, and a
// batch re-run after a restart whose transaction had committed writes
// nothing, so read_committed consumers see every batch exactly once.
func (d *DStream) SaveToKafka(kafka Kafka, topic string, opts ...KafkaOption) {
	const op = "SaveToKafka"
	if len(kafka.Brokers) == 0 {
		buildErrorf(op, "want at least one broker address in Kafka.Brokers")
	}
	if topic == "" {
		buildErrorf(op, "want a topic name, got an empty string")
	}
	var cfg kafkaConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
			if cfg.sourceOnly != "" {
				buildErrorf(op, "%s is an option of KafkaStream, not of SaveToKafka", cfg.sourceOnly)
			}
		}
	}
	w := &kafkaWriter{ssc: d.ssc, kafka: kafka, topic: topic, txn: cfg.transactional}
	d.addOutput(op, func(r *RDD, t Time) {
		if err := w.write(r, t); err != nil {
			panic(taskFailure{&Error{Op: op, Time: t, Msg: fmt.Sprintf("writing to topic %q at %s: %v", topic, kafka, err), Err: err}})
		}
	})
}

type kafkaWriter struct {
	ssc   *StreamingContext
	kafka Kafka
	topic string
	txn   bool

	mu sync.Mutex
	cl *kgo.Client
}

func (w *kafkaWriter) client() (*kgo.Client, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cl != nil {
		return w.cl, nil
	}
	opts := []kgo.Opt{kgo.SeedBrokers(w.kafka.Brokers...), kgo.ClientID("gostream"),
		kgo.ProducerBatchMaxBytes(16 << 20), kgo.RecordDeliveryTimeout(60 * time.Second), kgo.AllowAutoTopicCreation()}
	if w.txn {
		opts = append(opts, kgo.TransactionalID(w.txnID()),
			kgo.TransactionTimeout(60*time.Second))
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	w.cl = cl
	go func() {
		<-w.ssc.done
		w.mu.Lock()
		defer w.mu.Unlock()
		w.cl.Close()
	}()
	return cl, nil
}

// txnID is the transactional ID of the writer: the same across restarts,
// so a restarted job fences the producer of the run it replaces.
func (w *kafkaWriter) txnID() string { return "gostream-" + w.ssc.appName + "-" + w.topic }

// records formats the RDD's elements as records.
func (w *kafkaWriter) records(r *RDD) []*kgo.Record {
	w.ssc.outMu.Lock()
	leaf := w.ssc.formatter
	w.ssc.outMu.Unlock()
	var out []*kgo.Record
	for _, x := range r.Collect() {
		rec := &kgo.Record{Topic: w.topic}
		if p, ok := x.(Pair); ok {
			rec.Key = []byte(FormatWith(p.Key, leaf))
			rec.Value = []byte(FormatWith(p.Value, leaf))
		} else {
			rec.Value = []byte(FormatWith(x, leaf))
		}
		out = append(out, rec)
	}
	return out
}

func (w *kafkaWriter) write(r *RDD, t Time) error {
	cl, err := w.client()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if !w.txn {
		return produceAll(ctx, cl, w.records(r))
	}
	consumed, err := w.consumed(t)
	if err != nil {
		return err
	}
	// Fence an earlier run's producer: its open transaction is aborted,
	// or its committing one completes, before the offsets are read.
	if _, _, err := cl.ProducerID(ctx); err != nil {
		return fmt.Errorf("initializing the transactional producer: %w", err)
	}
	done, err := alreadyCommitted(ctx, cl, consumed)
	if err != nil {
		return err
	}
	if done {
		return nil // the transaction of this batch committed before a restart
	}
	recs := w.records(r)
	if len(recs) == 0 {
		// Nothing to write: the offsets are committed on their own.
		return commitPlain(ctx, cl, consumed)
	}
	if err := cl.BeginTransaction(); err != nil {
		return err
	}
	abort := func(cause error) error {
		if err := cl.AbortBufferedRecords(ctx); err != nil {
			return errors.Join(cause, err)
		}
		if err := cl.EndTransaction(ctx, kgo.TryAbort); err != nil {
			return errors.Join(cause, fmt.Errorf("aborting the transaction: %w", err))
		}
		return cause
	}
	if err := produceAll(ctx, cl, recs); err != nil {
		return abort(err)
	}
	for group, ranges := range consumed {
		if err := txnCommitOffsets(ctx, cl, w.txnID(), group, ranges); err != nil {
			return abort(fmt.Errorf("committing the offsets of group %q in the transaction: %w", group, err))
		}
	}
	if err := cl.EndTransaction(ctx, kgo.TryCommit); err != nil {
		return fmt.Errorf("committing the transaction: %w", err)
	}
	return nil
}

// consumed returns, per group, the ranges the context's Kafka streams read
// for batch t.
func (w *kafkaWriter) consumed(t Time) (map[string][]OffsetRange, error) {
	w.ssc.mu.Lock()
	inputs := append([]*input(nil), w.ssc.inputs...)
	w.ssc.mu.Unlock()
	out := map[string][]OffsetRange{}
	for _, in := range inputs {
		s, ok := in.src.(*kafkaSource)
		if !ok {
			continue
		}
		if s.kafka.Group == "" {
			return nil, errors.New("Transactional() commits the offsets the Kafka streams consumed, but a KafkaStream has no Kafka.Group")
		}
		ranges, ok := s.rangesAt(t)
		if !ok {
			return nil, fmt.Errorf("the offset ranges of batch %s are no longer known", t)
		}
		out[s.kafka.Group] = append(out[s.kafka.Group], ranges...)
	}
	return out, nil
}

// produceAll writes recs and waits for all of them.
func produceAll(ctx context.Context, cl *kgo.Client, recs []*kgo.Record) error {
	var mu sync.Mutex
	var first error
	var largest int // the size of the largest record refused as too large
	var wg sync.WaitGroup
	for _, rec := range recs {
		wg.Add(1)
		cl.Produce(ctx, rec, func(r *kgo.Record, err error) {
			defer wg.Done()
			if err == nil {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if errors.Is(err, kerr.MessageTooLarge) {
				// The brokers refuse the whole batch: name its largest record.
				if n := len(r.Key) + len(r.Value); n > largest {
					largest = n
					first = fmt.Errorf("a record of %d bytes (key %q) is larger than the brokers accept: %w", n, clip(string(r.Key)), err)
				}
				return
			}
			if first == nil {
				first = err
			}
		})
	}
	wg.Wait()
	return first
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// alreadyCommitted reports whether the groups' committed offsets already
// cover the batch's non-empty ranges: its transaction committed.
func alreadyCommitted(ctx context.Context, cl *kgo.Client, consumed map[string][]OffsetRange) (bool, error) {
	adm := kadm.NewClient(cl)
	any := false
	for group, ranges := range consumed {
		var topics []string
		for _, r := range ranges {
			if r.Count() > 0 {
				topics = append(topics, r.Topic)
			}
		}
		if len(topics) == 0 {
			continue
		}
		offs, err := adm.FetchOffsetsForTopics(ctx, group, topics...)
		if errors.Is(err, kerr.GroupIDNotFound) {
			return false, nil // nothing committed yet
		}
		if err != nil {
			return false, fmt.Errorf("reading the committed offsets of group %q: %w", group, err)
		}
		for _, r := range ranges {
			if r.Count() == 0 {
				continue
			}
			any = true
			o, ok := offs.Lookup(r.Topic, r.Partition)
			if !ok || o.Err != nil || o.At < r.UntilOffset {
				return false, nil
			}
		}
	}
	return any, nil
}

func commitPlain(ctx context.Context, cl *kgo.Client, consumed map[string][]OffsetRange) error {
	adm := kadm.NewClient(cl)
	for group, ranges := range consumed {
		offs := kadm.Offsets{}
		for _, r := range ranges {
			offs.AddOffset(r.Topic, r.Partition, r.UntilOffset, -1)
		}
		if len(offs) == 0 {
			continue
		}
		if err := adm.CommitAllOffsets(ctx, group, offs); err != nil {
			return fmt.Errorf("committing the offsets of group %q: %w", group, err)
		}
	}
	return nil
}

// txnCommitOffsets adds the group's offsets to the open transaction.
func txnCommitOffsets(ctx context.Context, cl *kgo.Client, txnID, group string, ranges []OffsetRange) error {
	id, epoch, err := cl.ProducerID(ctx)
	if err != nil {
		return err
	}
	add := kmsg.NewPtrAddOffsetsToTxnRequest()
	add.TransactionalID, add.ProducerID, add.ProducerEpoch, add.Group = txnID, id, epoch, group
	resp, err := add.RequestWith(ctx, cl)
	if err != nil {
		return err
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		return err
	}
	var topics []string
	for _, r := range ranges {
		topics = append(topics, r.Topic)
	}
	meta, err := kadm.NewClient(cl).Metadata(ctx, topics...)
	if err != nil {
		return err
	}
	req := kmsg.NewPtrTxnOffsetCommitRequest()
	req.TransactionalID, req.Group, req.ProducerID, req.ProducerEpoch = txnID, group, id, epoch
	req.Generation = -1
	byTopic := map[string]int{}
	for _, r := range ranges {
		i, ok := byTopic[r.Topic]
		if !ok {
			rt := kmsg.NewTxnOffsetCommitRequestTopic()
			rt.Topic = r.Topic
			rt.TopicID = meta.Topics[r.Topic].ID
			req.Topics = append(req.Topics, rt)
			i = len(req.Topics) - 1
			byTopic[r.Topic] = i
		}
		rp := kmsg.NewTxnOffsetCommitRequestTopicPartition()
		rp.Partition, rp.Offset, rp.LeaderEpoch = r.Partition, r.UntilOffset, -1
		req.Topics[i].Partitions = append(req.Topics[i].Partitions, rp)
	}
	cresp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return err
	}
	var errs []string
	for _, t := range cresp.Topics {
		for _, p := range t.Partitions {
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
				errs = append(errs, fmt.Sprintf("%s-%d: %v", t.Topic, p.Partition, err))
			}
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}
