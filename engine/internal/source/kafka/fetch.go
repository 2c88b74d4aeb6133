package kafka

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// FetchRetryFor is how long Fetch keeps retrying a range whose leader is
// moving or unreachable before it fails.
const FetchRetryFor = 30 * time.Second

// Fetch emits the records of r in offset order. It fetches from the
// partition's leader with raw Fetch requests, so it knows its position past
// offsets that hold no record a reader sees (transaction markers, aborted
// and compacted-away records): the range ends at UntilOffset whatever lies
// inside it.
func (s *Source) Fetch(r Range, emit func(Record)) error {
	if r.Count() <= 0 {
		return nil
	}
	cl, _, base, err := s.client()
	if err != nil {
		return err
	}
	iso := kgo.ReadCommitted()
	var isoLevel int8 = 1
	if s.cfg.ReadUncommitted {
		iso, isoLevel = kgo.ReadUncommitted(), 0
	}
	pos := r.FromOffset
	deadline := time.Now().Add(FetchRetryFor)
	var lastErr error
	retry := func(err error) error {
		lastErr = err
		if time.Now().After(deadline) {
			return fmt.Errorf("gave up after %v at offset %d: %w", FetchRetryFor, pos, lastErr)
		}
		select {
		case <-base.Done():
			return errors.New("the stream stopped")
		case <-time.After(200 * time.Millisecond):
		}
		return nil
	}
	for pos < r.UntilOffset {
		leader, id, err := s.leaderOf(base, r.Topic, r.Partition)
		if err != nil {
			if e := retry(err); e != nil {
				return e
			}
			continue
		}
		ctx, cancel := context.WithTimeout(base, 10*time.Second)
		resp, err := cl.Broker(int(leader)).Request(ctx, fetchRequest(r, id, pos, isoLevel))
		cancel()
		if err != nil {
			s.forgetLeaders()
			if e := retry(err); e != nil {
				return e
			}
			continue
		}
		fr := resp.(*kmsg.FetchResponse)
		if err := kerr.ErrorForCode(fr.ErrorCode); err != nil {
			if e := retry(err); e != nil {
				return e
			}
			continue
		}
		if len(fr.Topics) != 1 || len(fr.Topics[0].Partitions) != 1 {
			if e := retry(errors.New("the broker answered for other partitions")); e != nil {
				return e
			}
			continue
		}
		part := &fr.Topics[0].Partitions[0]
		fp, next := kgo.ProcessFetchPartition(kgo.ProcessFetchPartitionOpts{
			Offset: pos, IsolationLevel: iso, Topic: r.Topic, Partition: r.Partition,
		}, part, kgo.DefaultDecompressor(), nil)
		if fp.Err != nil {
			if errors.Is(fp.Err, kerr.OffsetOutOfRange) {
				return fmt.Errorf("offset %d is no longer in the partition (log start %d, end %d): the records were deleted before they were read", pos, part.LogStartOffset, part.HighWatermark)
			}
			var ke *kerr.Error
			if errors.As(fp.Err, &ke) && ke.Retriable || errors.Is(fp.Err, kerr.UnknownTopicOrPartition) || errors.Is(fp.Err, kerr.UnknownTopicID) {
				s.forgetLeaders()
				if e := retry(fp.Err); e != nil {
					return e
				}
				continue
			}
			return fp.Err
		}
		for _, rec := range fp.Records {
			if rec.Offset < pos {
				continue
			}
			if rec.Offset >= r.UntilOffset {
				break
			}
			emit(recordOf(rec))
		}
		if next <= pos {
			// Nothing past pos yet: the range ends at an offset the broker
			// has (it was its end when the batch was cut), so wait for it.
			end := part.HighWatermark
			if isoLevel == 1 {
				end = part.LastStableOffset
			}
			if e := retry(fmt.Errorf("no records past offset %d (partition end %d, range end %d)", pos, end, r.UntilOffset)); e != nil {
				return e
			}
			continue
		}
		pos = next
		deadline = time.Now().Add(FetchRetryFor)
	}
	return nil
}

// fetchRequest asks for the records of r's partition from offset pos.
func fetchRequest(r Range, topicID [16]byte, pos int64, isoLevel int8) *kmsg.FetchRequest {
	req := kmsg.NewPtrFetchRequest()
	req.ReplicaID = -1
	req.MaxWaitMillis = 500
	req.MinBytes = 1
	req.MaxBytes = 64 << 20
	req.IsolationLevel = isoLevel
	req.SessionEpoch = -1
	rt := kmsg.NewFetchRequestTopic()
	rt.Topic, rt.TopicID = r.Topic, topicID
	rp := kmsg.NewFetchRequestTopicPartition()
	rp.Partition = r.Partition
	rp.FetchOffset = pos
	rp.PartitionMaxBytes = 16 << 20
	rp.CurrentLeaderEpoch = -1
	rp.LogStartOffset = -1
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	return req
}

// leaderOf returns the broker leading the partition and its topic's ID,
// from the latest metadata (refreshed when unknown).
func (s *Source) leaderOf(base context.Context, topic string, p int32) (int32, [16]byte, error) {
	s.mu.Lock()
	td, ok := s.meta[topic]
	s.mu.Unlock()
	if ok {
		if pd, ok := td.Partitions[p]; ok && pd.Leader >= 0 && pd.Err == nil {
			return pd.Leader, td.ID, nil
		}
	}
	_, adm, _, err := s.client()
	if err != nil {
		return 0, [16]byte{}, err
	}
	ctx, cancel := context.WithTimeout(base, s.requestTimeout())
	defer cancel()
	meta, err := adm.Metadata(ctx, topic)
	if err != nil {
		return 0, [16]byte{}, err
	}
	td, ok = meta.Topics[topic]
	if !ok || td.Err != nil {
		return 0, [16]byte{}, fmt.Errorf("topic %q: %v", topic, td.Err)
	}
	s.mu.Lock()
	if s.meta == nil {
		s.meta = map[string]kadm.TopicDetail{}
	}
	s.meta[topic] = td
	s.mu.Unlock()
	pd, ok := td.Partitions[p]
	if !ok || pd.Leader < 0 {
		return 0, [16]byte{}, fmt.Errorf("partition %s-%d has no leader", topic, p)
	}
	if pd.Err != nil {
		return 0, [16]byte{}, fmt.Errorf("partition %s-%d: %w", topic, p, pd.Err)
	}
	return pd.Leader, td.ID, nil
}

func (s *Source) forgetLeaders() {
	s.mu.Lock()
	s.meta = nil
	s.mu.Unlock()
}
