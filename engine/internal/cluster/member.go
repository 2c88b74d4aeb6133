package cluster

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	kafkasrc "github.com/gostream/gostream/engine/internal/source/kafka"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Config configures a Member.
type Config struct {
	Brokers    []string
	App        string   // the job: consumer group, topic prefix
	Name       string   // this member, for the transactional ID and the logs
	Topics     []string // the input topics the group assigns
	Session    time.Duration
	TxnTimeout time.Duration
}

// Assignment is what the group gave this member.
type Assignment struct {
	Epoch      int     // changes with every assignment or revocation
	Partitions []int32 // sorted; the same for every input topic
	Generation int32
	MemberID   string
}

// Owns reports whether p is among the partitions.
func (a Assignment) Owns(p int32) bool {
	_, ok := slices.BinarySearch(a.Partitions, p)
	return ok
}

// Offset is one committed position: where the next read starts, and the
// metadata committed with it.
type Offset struct {
	Topic     string
	Partition int32
	At        int64
	Metadata  string
}

// Record is a record Fetch read.
type Record = kafkasrc.Record

// Member is one process of a cluster job.
type Member struct {
	cfg   Config
	group *kgo.Client
	txn   *kgo.Client
	adm   *kadm.Client
	rd    *kafkasrc.Source

	mu  sync.Mutex
	asg Assignment

	prodMu  sync.Mutex
	prodWG  sync.WaitGroup
	prodErr error
	inTxn   bool
}

// MetaTopic is the topic of the job's zero time.
func MetaTopic(app string) string { return app + "-meta" }

// internal reports whether topic is one the job makes: its records go to
// the partition the engine chose.
func (m *Member) internal(topic string) bool {
	p := m.cfg.App + "-"
	return topic == MetaTopic(m.cfg.App) || strings.HasPrefix(topic, p) && (strings.HasSuffix(topic, "-repartition") || strings.HasSuffix(topic, "-changelog"))
}

type partitioner struct {
	m   *Member
	def kgo.Partitioner
	man kgo.Partitioner
}

func (p partitioner) ForTopic(t string) kgo.TopicPartitioner {
	if p.m.internal(t) {
		return p.man.ForTopic(t)
	}
	return p.def.ForTopic(t)
}

// Join joins the group and makes the transactional producer.
func Join(cfg Config) (*Member, error) {
	m := &Member{cfg: cfg}
	m.asg.Generation = -1
	group, err := kafkasrc.NewClient(cfg.Brokers,
		kgo.ConsumerGroup(cfg.App),
		kgo.ConsumeTopics(cfg.Topics...),
		kgo.Balancers(kgo.RangeBalancer()),
		kgo.DisableAutoCommit(),
		kgo.SessionTimeout(cfg.Session),
		kgo.HeartbeatInterval(max(cfg.Session/6, 200*time.Millisecond)),
		kgo.RebalanceTimeout(max(cfg.Session, 5*time.Second)),
		kgo.OnPartitionsAssigned(m.assigned),
		kgo.OnPartitionsRevoked(m.revoked),
		kgo.OnPartitionsLost(m.revoked),
	)
	if err != nil {
		return nil, err
	}
	group.PauseFetchTopics(cfg.Topics...) // the member reads its ranges itself
	txn, err := kafkasrc.NewClient(cfg.Brokers,
		kgo.TransactionalID(cfg.App+"-"+cfg.Name),
		kgo.TransactionTimeout(cfg.TxnTimeout),
		kgo.RecordPartitioner(partitioner{m, kgo.StickyKeyPartitioner(nil), kgo.ManualPartitioner()}),
		kgo.ProducerBatchMaxBytes(16<<20),
		kgo.RecordDeliveryTimeout(60*time.Second),
		kgo.AllowAutoTopicCreation(),
	)
	if err != nil {
		group.Close()
		return nil, err
	}
	m.group, m.txn, m.adm = group, txn, kadm.NewClient(txn)
	m.rd = kafkasrc.NewSource(kafkasrc.SourceConfig{Brokers: cfg.Brokers, Batch: 2 * time.Second})
	return m, nil
}

func (m *Member) assigned(_ context.Context, cl *kgo.Client, parts map[string][]int32) {
	id, gen := cl.GroupMetadata()
	var ps []int32
	if len(m.cfg.Topics) > 0 {
		ps = slices.Clone(parts[m.cfg.Topics[0]])
	}
	slices.Sort(ps)
	m.mu.Lock()
	m.asg = Assignment{Epoch: m.asg.Epoch + 1, Partitions: ps, Generation: gen, MemberID: id}
	m.mu.Unlock()
}

func (m *Member) revoked(context.Context, *kgo.Client, map[string][]int32) {
	m.mu.Lock()
	m.asg = Assignment{Epoch: m.asg.Epoch + 1, Generation: -1}
	m.mu.Unlock()
}

// Assignment returns the partitions the member owns now.
func (m *Member) Assignment() Assignment {
	m.mu.Lock()
	defer m.mu.Unlock()
	a := m.asg
	a.Partitions = slices.Clone(a.Partitions)
	return a
}

// Close closes the clients; with leave the member leaves the group first,
// so its partitions move at once.
func (m *Member) Close(leave bool) {
	if leave {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		m.group.LeaveGroupContext(ctx)
		cancel()
	}
	m.group.Close()
	m.prodMu.Lock()
	open := m.inTxn
	m.prodMu.Unlock()
	if open {
		m.Abort()
	}
	m.txn.Close()
	m.rd.Close()
}

func (m *Member) ctx(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}

// PartitionCounts returns the partition count of each topic; a topic
// that does not exist is an error naming it.
func (m *Member) PartitionCounts(topics []string) (map[string]int, error) {
	ctx, cancel := m.ctx(15 * time.Second)
	defer cancel()
	meta, err := m.adm.Metadata(ctx, topics...)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, t := range topics {
		td, ok := meta.Topics[t]
		if !ok || td.Err != nil {
			e := td.Err
			if e == nil {
				e = errors.New("not in the metadata")
			}
			return nil, fmt.Errorf("topic %q: %w", t, e)
		}
		out[t] = len(td.Partitions)
	}
	return out, nil
}

// EnsureTopic creates topic with n partitions (compacted when asked)
// unless it exists; an existing topic with another count is an error.
func (m *Member) EnsureTopic(topic string, n int, compact bool) error {
	ctx, cancel := m.ctx(15 * time.Second)
	defer cancel()
	var cfg map[string]*string
	if compact {
		c := "compact"
		cfg = map[string]*string{"cleanup.policy": &c}
	}
	resp, err := m.adm.CreateTopic(ctx, int32(n), -1, cfg, topic)
	if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
		return fmt.Errorf("creating topic %q: %w", topic, err)
	}
	if resp.Err != nil && !errors.Is(resp.Err, kerr.TopicAlreadyExists) {
		return fmt.Errorf("creating topic %q: %w", topic, resp.Err)
	}
	for {
		counts, err := m.PartitionCounts([]string{topic})
		if err == nil {
			if counts[topic] != n {
				return fmt.Errorf("topic %q has %d partitions, the job needs %d: delete it or give the stream NumTasks(%d)", topic, counts[topic], n, counts[topic])
			}
			return nil
		}
		if ctx.Err() != nil {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// ZeroTime returns the job's zero time and batch interval (ms): those of
// the first record in the meta topic, which this member writes when the
// topic has none.
func (m *Member) ZeroTime(zero, interval int64) (int64, int64, error) {
	topic := MetaTopic(m.cfg.App)
	if err := m.EnsureTopic(topic, 1, true); err != nil {
		return 0, 0, err
	}
	first := func() (int64, int64, bool, error) {
		starts, ends, err := m.Ends(topic)
		if err != nil {
			return 0, 0, false, err
		}
		var z, iv int64
		found := false
		err = m.Fetch(topic, 0, starts[0], ends[0], func(r Record) {
			if found || !strings.HasPrefix(r.Key, "zero") {
				return
			}
			if _, err := fmt.Sscanf(r.Value, "zero=%d interval=%d", &z, &iv); err == nil {
				found = true
			}
		})
		return z, iv, found, err
	}
	z, iv, ok, err := first()
	if err != nil || ok {
		return z, iv, err
	}
	ctx, cancel := m.ctx(15 * time.Second)
	defer cancel()
	rec := &kgo.Record{Topic: topic, Partition: 0, Key: []byte("zero-" + m.cfg.Name), Value: fmt.Appendf(nil, "zero=%d interval=%d", zero, interval)}
	if err := m.group.ProduceSync(ctx, rec).FirstErr(); err != nil {
		return 0, 0, fmt.Errorf("writing the zero time to %q: %w", topic, err)
	}
	for {
		z, iv, ok, err := first()
		if err != nil || ok {
			return z, iv, err
		}
		if ctx.Err() != nil {
			return 0, 0, fmt.Errorf("reading the zero time back from %q: %w", topic, ctx.Err())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Ends returns the log start and the last stable offset of every
// partition of topic.
func (m *Member) Ends(topic string) (starts, ends map[int32]int64, err error) {
	ctx, cancel := m.ctx(15 * time.Second)
	defer cancel()
	e, err := m.adm.ListCommittedOffsets(ctx, topic)
	if err != nil {
		return nil, nil, err
	}
	s, err := m.adm.ListStartOffsets(ctx, topic)
	if err != nil {
		return nil, nil, err
	}
	starts, ends = map[int32]int64{}, map[int32]int64{}
	var errs []error
	e.Each(func(o kadm.ListedOffset) {
		if o.Err != nil {
			errs = append(errs, fmt.Errorf("%s-%d: %w", o.Topic, o.Partition, o.Err))
		}
		ends[o.Partition] = o.Offset
	})
	s.Each(func(o kadm.ListedOffset) {
		if o.Err != nil {
			errs = append(errs, fmt.Errorf("%s-%d: %w", o.Topic, o.Partition, o.Err))
		}
		starts[o.Partition] = o.Offset
	})
	return starts, ends, errors.Join(errs...)
}

// Fetch emits the committed records of [from, until) of a partition.
func (m *Member) Fetch(topic string, p int32, from, until int64, emit func(Record)) error {
	return m.rd.Fetch(kafkasrc.Range{Topic: topic, Partition: p, FromOffset: from, UntilOffset: until}, emit)
}

// Committed returns the group's committed offsets of topics, waiting
// while a transaction holding offsets of the group is open (up to the
// transaction timeout and a margin).
func (m *Member) Committed(topics []string) (map[string]map[int32]Offset, error) {
	deadline := time.Now().Add(m.cfg.TxnTimeout + 15*time.Second)
	for {
		ctx, cancel := m.ctx(15 * time.Second)
		offs, err := m.adm.FetchOffsetsForTopics(kadm.RequireStable(ctx), m.cfg.App, topics...)
		cancel()
		if errors.Is(err, kerr.GroupIDNotFound) {
			return map[string]map[int32]Offset{}, nil
		}
		unstable := errors.Is(err, kerr.UnstableOffsetCommit)
		if err == nil {
			out := map[string]map[int32]Offset{}
			offs.Each(func(o kadm.OffsetResponse) {
				if errors.Is(o.Err, kerr.UnstableOffsetCommit) {
					unstable = true
				} else if o.Err != nil && err == nil {
					err = fmt.Errorf("%s-%d: %w", o.Topic, o.Partition, o.Err)
				}
				if o.At < 0 {
					return
				}
				if out[o.Topic] == nil {
					out[o.Topic] = map[int32]Offset{}
				}
				out[o.Topic][o.Partition] = Offset{o.Topic, o.Partition, o.At, o.Metadata}
			})
			if !unstable && err == nil {
				return out, nil
			}
		}
		if !unstable && err != nil {
			return nil, fmt.Errorf("reading the committed offsets of group %q: %w", m.cfg.App, err)
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("the committed offsets of group %q stayed unstable (an open transaction) past %v", m.cfg.App, m.cfg.TxnTimeout)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Begin starts the batch's transaction.
func (m *Member) Begin() error {
	m.prodMu.Lock()
	defer m.prodMu.Unlock()
	if m.inTxn {
		return errors.New("a transaction is already open")
	}
	m.prodErr = nil
	if err := m.txn.BeginTransaction(); err != nil {
		return err
	}
	m.inTxn = true
	return nil
}

// Produce adds a record to the open transaction: to partition p of the
// job's own topics, by key elsewhere. Errors come back from Commit.
func (m *Member) Produce(topic string, p int32, key, value []byte, headers map[string]string) {
	r := &kgo.Record{Topic: topic, Partition: p, Key: key, Value: value}
	for _, k := range sortedKeys(headers) {
		r.Headers = append(r.Headers, kgo.RecordHeader{Key: k, Value: []byte(headers[k])})
	}
	m.prodWG.Add(1)
	m.txn.Produce(context.Background(), r, func(r *kgo.Record, err error) {
		defer m.prodWG.Done()
		if err != nil {
			m.prodMu.Lock()
			if m.prodErr == nil {
				m.prodErr = fmt.Errorf("writing to %s-%d: %w", r.Topic, r.Partition, err)
			}
			m.prodMu.Unlock()
		}
	})
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// Commit ends the batch: it waits for the records, commits offsets under
// asg's generation in the transaction, and commits the transaction. On
// any failure the transaction is aborted and the error returned.
func (m *Member) Commit(asg Assignment, offsets []Offset) error {
	m.prodWG.Wait()
	m.prodMu.Lock()
	err := m.prodErr
	m.prodMu.Unlock()
	if err == nil && len(offsets) > 0 {
		err = m.commitOffsets(asg, offsets)
	}
	if err != nil {
		return errors.Join(err, m.Abort())
	}
	ctx, cancel := m.ctx(m.cfg.TxnTimeout + 10*time.Second)
	defer cancel()
	err = m.txn.EndTransaction(ctx, kgo.TryCommit)
	m.prodMu.Lock()
	m.inTxn = false
	m.prodMu.Unlock()
	if err != nil {
		return errors.Join(fmt.Errorf("committing the transaction: %w", err), m.Abort())
	}
	return nil
}

// Abort aborts the open transaction, if any.
func (m *Member) Abort() error {
	m.prodWG.Wait()
	ctx, cancel := m.ctx(m.cfg.TxnTimeout + 10*time.Second)
	defer cancel()
	var errs []error
	if err := m.txn.AbortBufferedRecords(ctx); err != nil {
		errs = append(errs, err)
	}
	if err := m.txn.EndTransaction(ctx, kgo.TryAbort); err != nil {
		errs = append(errs, fmt.Errorf("aborting the transaction: %w", err))
	}
	m.prodMu.Lock()
	m.inTxn = false
	m.prodMu.Unlock()
	return errors.Join(errs...)
}

// commitOffsets adds the offsets to the open transaction, fenced by the
// group generation and member ID of asg (KIP-447).
func (m *Member) commitOffsets(asg Assignment, offsets []Offset) error {
	ctx, cancel := m.ctx(30 * time.Second)
	defer cancel()
	id, epoch, err := m.txn.ProducerID(ctx)
	if err != nil {
		return err
	}
	txnID := m.cfg.App + "-" + m.cfg.Name
	add := kmsg.NewPtrAddOffsetsToTxnRequest()
	add.TransactionalID, add.ProducerID, add.ProducerEpoch, add.Group = txnID, id, epoch, m.cfg.App
	aresp, err := add.RequestWith(ctx, m.txn)
	if err != nil {
		return err
	}
	if err := kerr.ErrorForCode(aresp.ErrorCode); err != nil {
		return fmt.Errorf("adding the offsets of group %q to the transaction: %w", m.cfg.App, err)
	}
	var topics []string
	for _, o := range offsets {
		if !slices.Contains(topics, o.Topic) {
			topics = append(topics, o.Topic)
		}
	}
	meta, err := m.adm.Metadata(ctx, topics...)
	if err != nil {
		return err
	}
	req := kmsg.NewPtrTxnOffsetCommitRequest()
	req.TransactionalID, req.Group, req.ProducerID, req.ProducerEpoch = txnID, m.cfg.App, id, epoch
	req.Generation, req.MemberID = asg.Generation, asg.MemberID
	byTopic := map[string]int{}
	for _, o := range offsets {
		i, ok := byTopic[o.Topic]
		if !ok {
			rt := kmsg.NewTxnOffsetCommitRequestTopic()
			rt.Topic, rt.TopicID = o.Topic, meta.Topics[o.Topic].ID
			req.Topics = append(req.Topics, rt)
			i = len(req.Topics) - 1
			byTopic[o.Topic] = i
		}
		rp := kmsg.NewTxnOffsetCommitRequestTopicPartition()
		rp.Partition, rp.Offset, rp.LeaderEpoch = o.Partition, o.At, -1
		if o.Metadata != "" {
			md := o.Metadata
			rp.Metadata = &md
		}
		req.Topics[i].Partitions = append(req.Topics[i].Partitions, rp)
	}
	resp, err := req.RequestWith(ctx, m.txn)
	if err != nil {
		return err
	}
	var errs []string
	for _, t := range resp.Topics {
		name := t.Topic
		for _, rt := range req.Topics {
			if name == "" && rt.TopicID == t.TopicID {
				name = rt.Topic
			}
		}
		for _, p := range t.Partitions {
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
				errs = append(errs, fmt.Sprintf("%s-%d: %v", name, p.Partition, err))
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("committing offsets under generation %d of group %q: %s", asg.Generation, m.cfg.App, summarize(errs))
	}
	return nil
}

// Purge deletes the records before the given offsets, in the background;
// failures only leave records for later purges.
func (m *Member) Purge(offsets []Offset) {
	if len(offsets) == 0 {
		return
	}
	var os kadm.Offsets
	for _, o := range offsets {
		os.AddOffset(o.Topic, o.Partition, o.At, -1)
	}
	go func() {
		ctx, cancel := m.ctx(10 * time.Second)
		defer cancel()
		m.adm.DeleteRecords(ctx, os)
	}()
}

// ParseBatch reads a batch-time header.
func ParseBatch(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// PartitionCounts returns the partition count of each topic, with a client
// of its own (before a Member exists).
func PartitionCounts(brokers []string, topics []string) (map[string]int, error) {
	cl, err := kafkasrc.NewClient(brokers)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	m := &Member{adm: kadm.NewClient(cl)}
	return m.PartitionCounts(topics)
}

// summarize joins "partition: error" lines, naming an error shared by
// every partition once.
func summarize(errs []string) string {
	first := errs[0][strings.Index(errs[0], ": ")+2:]
	for _, e := range errs[1:] {
		if e[strings.Index(e, ": ")+2:] != first {
			return strings.Join(errs, "; ")
		}
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return fmt.Sprintf("%d partitions: %s", len(errs), first)
}
