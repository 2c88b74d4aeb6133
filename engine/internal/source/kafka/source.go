package kafka

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Starting is where a Source starts the partitions a checkpoint did not
// position. The zero value starts from the group's committed offsets, and
// from the end where the group has none.
type Starting struct {
	Set      bool                     // Earliest, Latest (Earliest false), Offsets or Time was given
	Earliest bool                     // the start of each partition rather than its end
	Offsets  map[TopicPartition]int64 // these partitions at these offsets, the others from the committed offsets
	Time     time.Time                // the first record at or after it
}

// SourceConfig configures a Source.
type SourceConfig struct {
	Brokers []string
	Group   string // the consumer group: committed offsets, commits
	Topics  []string
	// Batch is the batch interval: it turns rates into offsets per batch
	// and bounds one round of requests.
	Batch               time.Duration
	Starting            Starting
	MaxRatePerPartition int64 // records/s; 0: none
	ReadUncommitted     bool  // read to the high watermark, not the last stable offset
}

// Source reads the partitions of a set of topics batch by batch.
type Source struct {
	cfg SourceConfig

	mu       sync.Mutex
	cl       *kgo.Client
	adm      *kadm.Client
	ctx      context.Context
	cancel   context.CancelFunc
	meta     map[string]kadm.TopicDetail // the latest metadata of the topics
	pos      map[TopicPartition]int64    // where the next batch starts each partition
	closed   bool
	restored bool    // pos came from a checkpoint
	seeded   bool    // the starting offsets were looked up
	rate     float64 // records/s in force for the last batch (all partitions); 0: none

	commitMu   sync.Mutex
	commitQ    []commitReq
	committing bool
	commitWG   sync.WaitGroup
	committed  map[TopicPartition]int64
}

type commitReq struct {
	ranges []Range
	done   func(error)
}

// NewSource returns a source that has not contacted the cluster yet.
func NewSource(cfg SourceConfig) *Source {
	cfg.Topics = append([]string(nil), cfg.Topics...)
	return &Source{cfg: cfg, pos: map[TopicPartition]int64{}}
}

// Connect makes the source's client; later calls return at once.
func (s *Source) Connect() error {
	_, _, _, err := s.client()
	return err
}

// Close waits for the commits asked for, then closes the client; the
// source reads nothing afterwards.
func (s *Source) Close() {
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

// client returns the source's client, made on first use (recovery reads
// batches before the stream starts).
func (s *Source) client() (*kgo.Client, *kadm.Client, context.Context, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, nil, nil, errors.New("the stream is stopped")
	}
	if s.cl == nil {
		cl, err := NewClient(s.cfg.Brokers, kgo.RetryTimeout(5*time.Second), kgo.RequestRetries(2))
		if err != nil {
			return nil, nil, nil, fmt.Errorf("brokers %s: %w", brokerList(s.cfg.Brokers), err)
		}
		s.cl, s.adm = cl, kadm.NewClient(cl)
		s.ctx, s.cancel = context.WithCancel(context.Background())
	}
	return s.cl, s.adm, s.ctx, nil
}

// requestTimeout bounds one round of requests to the cluster.
func (s *Source) requestTimeout() time.Duration {
	return min(max(s.cfg.Batch, 2*time.Second), 10*time.Second)
}

// Next looks up the partitions and their ends and returns the ranges of
// the next batch, capped by MaxRatePerPartition and by est, a backpressure
// estimate in records/s for all partitions (0: none); the positions move
// to the ranges' ends. On failure it returns the empty ranges at the
// current positions with the error. Problems with single topics or
// partitions come back joined in the error beside the other ranges.
func (s *Source) Next(est float64) ([]Range, error) {
	_, adm, base, err := s.client()
	if err != nil {
		return s.emptyRanges(), err
	}
	ctx, cancel := context.WithTimeout(base, s.requestTimeout())
	defer cancel()
	meta, err := adm.Metadata(ctx, s.cfg.Topics...)
	if err != nil {
		return s.emptyRanges(), err
	}
	var problems []error
	s.mu.Lock()
	if s.meta == nil {
		s.meta = map[string]kadm.TopicDetail{}
	}
	var live []string
	for _, t := range s.cfg.Topics {
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
	if s.cfg.ReadUncommitted {
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
	var ranges []Range
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
					ranges = append(ranges, Range{t, p, from, from})
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
			ranges = append(ranges, Range{t, p, from, e.Offset})
		}
	}
	s.rate = limit(ranges, est, s.cfg.MaxRatePerPartition, s.cfg.Batch)
	for _, r := range ranges {
		s.pos[r.TopicPartition()] = r.UntilOffset
	}
	return ranges, errors.Join(problems...)
}

// emptyRanges is a batch at the current positions that reads nothing.
func (s *Source) emptyRanges() []Range {
	s.mu.Lock()
	defer s.mu.Unlock()
	tps := make([]TopicPartition, 0, len(s.pos))
	for tp := range s.pos {
		tps = append(tps, tp)
	}
	sortTopicPartitions(tps, s.cfg.Topics)
	out := make([]Range, len(tps))
	for i, tp := range tps {
		out[i] = Range{tp.Topic, tp.Partition, s.pos[tp], s.pos[tp]}
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
// the checkpoint's, else Starting, else the group's committed ones, else
// the end.
func (s *Source) seed(ctx context.Context, adm *kadm.Client, topics []string, starts, ends kadm.ListedOffsets) error {
	s.mu.Lock()
	done := s.seeded
	s.mu.Unlock()
	if done {
		return nil
	}
	st := s.cfg.Starting
	var committed kadm.OffsetResponses
	if s.cfg.Group != "" && (!st.Set || st.Offsets != nil) {
		var err error
		committed, err = adm.FetchOffsetsForTopics(ctx, s.cfg.Group, topics...)
		if errors.Is(err, kerr.GroupIDNotFound) {
			committed, err = nil, nil // a new group: nothing committed
		}
		if err != nil {
			return fmt.Errorf("reading the committed offsets of group %q: %w", s.cfg.Group, err)
		}
	}
	var byTime kadm.ListedOffsets
	if !st.Time.IsZero() {
		var err error
		byTime, err = adm.ListOffsetsAfterMilli(ctx, st.Time.UnixMilli(), topics...)
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
			if o, ok := st.Offsets[tp]; ok {
				s.pos[tp] = o
				continue
			}
			switch {
			case !st.Time.IsZero():
				if o, ok := byTime.Lookup(t, p); ok && o.Err == nil && o.Offset >= 0 {
					s.pos[tp] = o.Offset
				} else {
					s.pos[tp] = e.Offset // nothing at or after the time yet
				}
			case st.Set && st.Offsets == nil && st.Earliest:
				s.pos[tp] = starts[t][p].Offset
			case st.Set && st.Offsets == nil:
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

// limit caps each range by the rate in force: maxRate per partition, and
// the backpressure estimate est shared among the partitions by their lag,
// as Spark's DirectKafkaInputDStream.maxMessagesPerPartition; a capped
// range keeps at least one record. It returns the rate in force for all
// partitions, records/s (0: none).
func limit(ranges []Range, est float64, maxRate int64, batch time.Duration) float64 {
	secs := batch.Seconds()
	var total int64
	for _, r := range ranges {
		total += r.Count()
	}
	if est <= 0 && maxRate <= 0 {
		return 0
	}
	var inForce float64
	for i, r := range ranges {
		lag := r.Count()
		perPart := float64(-1)
		if est > 0 && total > 0 {
			perPart = float64(lag) / float64(total) * est
			if maxRate > 0 {
				perPart = min(perPart, float64(maxRate))
			}
		} else if est > 0 {
			perPart = est / float64(max(len(ranges), 1))
			if maxRate > 0 {
				perPart = min(perPart, float64(maxRate))
			}
		} else {
			perPart = float64(maxRate)
		}
		inForce += perPart
		most := max(int64(perPart*secs), 1)
		if lag > most {
			ranges[i].UntilOffset = r.FromOffset + most
		}
	}
	return inForce
}

// RateInForce is the records/s limit the last batch was cut with (0: none).
func (s *Source) RateInForce() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rate
}

type position struct {
	Offsets []Range // FromOffset: where the next batch starts
}

// Position is where the next batch starts each partition, for a checkpoint.
func (s *Source) Position() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var p position
	for tp, o := range s.pos {
		p.Offsets = append(p.Offsets, Range{tp.Topic, tp.Partition, o, o})
	}
	sort.Slice(p.Offsets, func(i, j int) bool {
		a, b := p.Offsets[i], p.Offsets[j]
		return a.Topic < b.Topic || a.Topic == b.Topic && a.Partition < b.Partition
	})
	return json.Marshal(p)
}

// RestorePosition sets the positions Position wrote; partitions it does
// not name are new ones, read from their start.
func (s *Source) RestorePosition(pos []byte) error {
	var p position
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

// CommitAsync commits the UntilOffset of each range as the group's offset
// in the background and calls done, if not nil, with the result. Commits
// run one at a time in the order asked for; Close waits for them.
func (s *Source) CommitAsync(ranges []Range, done func(error)) {
	s.commitMu.Lock()
	s.commitWG.Add(1)
	s.commitQ = append(s.commitQ, commitReq{append([]Range(nil), ranges...), done})
	if !s.committing {
		s.committing = true
		go s.commitLoop()
	}
	s.commitMu.Unlock()
}

// commitLoop applies the queued commits in order.
func (s *Source) commitLoop() {
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
		if c.done != nil {
			func() {
				defer func() { recover() }()
				c.done(err)
			}()
		}
		s.commitWG.Done()
	}
}

// commit commits the ranges' ends that move the group's offsets forward.
func (s *Source) commit(ranges []Range) error {
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
	if err := adm.CommitAllOffsets(ctx, s.cfg.Group, offs); err != nil {
		return err
	}
	s.commitMu.Lock()
	offs.Each(func(o kadm.Offset) { s.committed[TopicPartition{o.Topic, o.Partition}] = o.At })
	s.commitMu.Unlock()
	return nil
}
