package kafka

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

// ProducerConfig configures a Producer.
type ProducerConfig struct {
	Brokers []string
	Topic   string
	// TransactionalID, when set, makes every Write one transaction. Keep
	// it the same across restarts, so a restarted job fences the producer
	// of the run it replaces.
	TransactionalID string
	// Done, when not nil, is closed when the producer's writes are over
	// (the context stopped): its client is closed then.
	Done <-chan struct{}
}

// Producer writes batches of messages to one topic.
type Producer struct {
	cfg ProducerConfig

	mu sync.Mutex
	cl *kgo.Client
}

// NewProducer returns a producer that connects on its first Write.
func NewProducer(cfg ProducerConfig) *Producer { return &Producer{cfg: cfg} }

// Close closes the producer's client, if it made one.
func (p *Producer) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cl != nil {
		p.cl.Close()
	}
}

func (p *Producer) client() (*kgo.Client, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cl != nil {
		return p.cl, nil
	}
	opts := []kgo.Opt{kgo.ProducerBatchMaxBytes(16 << 20), kgo.RecordDeliveryTimeout(60 * time.Second), kgo.AllowAutoTopicCreation()}
	if p.cfg.TransactionalID != "" {
		opts = append(opts, kgo.TransactionalID(p.cfg.TransactionalID), kgo.TransactionTimeout(60*time.Second))
	}
	cl, err := NewClient(p.cfg.Brokers, opts...)
	if err != nil {
		return nil, err
	}
	p.cl = cl
	if p.cfg.Done != nil {
		go func() {
			<-p.cfg.Done
			p.Close()
		}()
	}
	return cl, nil
}

// Write writes one batch and waits for it. messages is called once the
// batch is known to need writing: not at all when, transactional, the
// batch's transaction committed before a restart. consumed, called only
// when transactional, gives per consumer group the ranges the batch read;
// their ends are committed in the batch's transaction (on their own when
// the batch has no message).
func (p *Producer) Write(messages func() []Message, consumed func() (map[string][]Range, error)) error {
	cl, err := p.client()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if p.cfg.TransactionalID == "" {
		return produceAll(ctx, cl, p.records(messages()))
	}
	groups, err := consumed()
	if err != nil {
		return err
	}
	// Fence an earlier run's producer: its open transaction is aborted,
	// or its committing one completes, before the offsets are read.
	if _, _, err := cl.ProducerID(ctx); err != nil {
		return fmt.Errorf("initializing the transactional producer: %w", err)
	}
	done, err := alreadyCommitted(ctx, cl, groups)
	if err != nil {
		return err
	}
	if done {
		return nil // the transaction of this batch committed before a restart
	}
	recs := p.records(messages())
	if len(recs) == 0 {
		// Nothing to write: the offsets are committed on their own.
		return commitPlain(ctx, cl, groups)
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
	for group, ranges := range groups {
		if err := txnCommitOffsets(ctx, cl, p.cfg.TransactionalID, group, ranges); err != nil {
			return abort(fmt.Errorf("committing the offsets of group %q in the transaction: %w", group, err))
		}
	}
	if err := cl.EndTransaction(ctx, kgo.TryCommit); err != nil {
		return fmt.Errorf("committing the transaction: %w", err)
	}
	return nil
}

// Messages makes the records of a batch's elements: an element split
// takes apart (a pair) becomes a record of its key and value, any other a
// record of its value and no key, each formatted by format. No element, no
// record (nil).
func Messages(xs []any, split func(x any) (key, value any, ok bool), format func(any) string) []Message {
	var out []Message
	for _, x := range xs {
		var m Message
		if k, v, ok := split(x); ok {
			m.Key, m.Value = []byte(format(k)), []byte(format(v))
		} else {
			m.Value = []byte(format(x))
		}
		out = append(out, m)
	}
	return out
}

func (p *Producer) records(msgs []Message) []*kgo.Record {
	out := make([]*kgo.Record, len(msgs))
	for i, m := range msgs {
		out[i] = &kgo.Record{Topic: p.cfg.Topic, Key: m.Key, Value: m.Value}
	}
	return out
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
func alreadyCommitted(ctx context.Context, cl *kgo.Client, consumed map[string][]Range) (bool, error) {
	adm := kadm.NewClient(cl)
	found := false
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
			found = true
			o, ok := offs.Lookup(r.Topic, r.Partition)
			if !ok || o.Err != nil || o.At < r.UntilOffset {
				return false, nil
			}
		}
	}
	return found, nil
}

func commitPlain(ctx context.Context, cl *kgo.Client, consumed map[string][]Range) error {
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
func txnCommitOffsets(ctx context.Context, cl *kgo.Client, txnID, group string, ranges []Range) error {
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
