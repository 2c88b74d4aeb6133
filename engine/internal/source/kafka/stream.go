package kafka

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gostream/gostream/engine/internal/rate"
)

// Stream is one KafkaStream as the engine drives it: its Source, the
// ranges of its recent batches and their counts, the problems it reported
// and its backpressure. Batch times are ms; when names a batch in
// messages, as the engine shows its time.
type Stream struct {
	*Source
	Batches Batches

	report   func(msg string, err error)
	problems Problems
	est      *rate.PID // nil without backpressure
}

// NewStream returns the stream of a source made of cfg; report is how the
// engine tells the user about a problem reaching the cluster.
func NewStream(cfg SourceConfig, report func(msg string, err error)) *Stream {
	return &Stream{Source: NewSource(cfg), report: report}
}

// Report reports a problem, once until it changes.
func (s *Stream) Report(msg string, err error) {
	if s.problems.Changed(msg + err.Error()) {
		s.report(msg, err)
	}
}

// Cut cuts batch t: one range per partition, from the previous end to the
// partition's end, limited by the rate and the backpressure estimate, and
// records its count. When the cluster cannot be reached the ranges are
// the previous partitions' empty ones and the problem is reported; the
// next batch tries again.
func (s *Stream) Cut(t int64, when string) ([]Range, int64) {
	next, err := s.Next(s.Batches.Estimate())
	if err != nil {
		s.Report(fmt.Sprintf("topics %s at the brokers %s: the batch of %s reads nothing new and the next batch tries again", strings.Join(s.cfg.Topics, ","), brokerList(s.cfg.Brokers), when), err)
	} else {
		s.problems.Clear()
	}
	return next, s.Batches.Count(t, next)
}

// Record is what a checkpoint keeps of batch t: its ranges.
func (s *Stream) Record(t int64, when string) ([]byte, error) {
	ranges, ok := s.Batches.Ranges(t)
	if !ok {
		return nil, fmt.Errorf("no offset ranges for batch %s", when)
	}
	return EncodeRanges(ranges)
}

// Rebuild decodes the ranges of batch t from its record and records their
// count.
func (s *Stream) Rebuild(t int64, rec []byte, when string) ([]Range, int64, error) {
	rs, err := DecodeRanges(rec)
	if err != nil {
		return nil, 0, fmt.Errorf("the offset ranges of batch %s: %v", when, err)
	}
	return rs, s.Batches.Count(t, rs), nil
}

// Consumed is what batch t read, for a transactional sink's commit: the
// group and the ranges.
func (s *Stream) Consumed(t int64, when string) (string, []Range, error) {
	if s.cfg.Group == "" {
		return "", nil, errors.New("Transactional() commits the offsets the Kafka streams consumed, but a KafkaStream has no Kafka.Group")
	}
	ranges, ok := s.Batches.Ranges(t)
	if !ok {
		return "", nil, fmt.Errorf("the offset ranges of batch %s are no longer known", when)
	}
	return s.cfg.Group, ranges, nil
}

// Commit is CommitAsync with a failure reported, then done called (when
// not nil) with the result.
func (s *Stream) Commit(ranges []Range, done func(error)) {
	s.CommitAsync(ranges, func(err error) {
		if err != nil {
			s.Report("committing offsets of group "+s.cfg.Group, err)
		}
		if done != nil {
			done(err)
		}
	})
}

// Backpressure makes est set the stream's rate from the batches that
// complete (Completed), starting at initial records/s (0: none).
func (s *Stream) Backpressure(initial float64, est *rate.PID) {
	s.Batches.SetEstimate(initial)
	s.est = est
}

// Completed feeds a completed batch t (its end, processing and scheduling
// delays in ms) to the backpressure estimate.
func (s *Stream) Completed(t, endMS, processingMS, schedulingMS int64) {
	if r, ok := s.est.Compute(endMS, s.Batches.Counted(t), processingMS, schedulingMS); ok {
		s.Batches.SetEstimate(r)
	}
}

// Options are what the engine's Kafka options set: a stream's source
// settings (Starting, MaxRatePerPartition, ReadUncommitted) and the sink's
// Transactional; SinkOnly and SourceOnly name the last option given that
// belongs to the sink or to the stream, for the other's error.
type Options struct {
	Starting             Starting
	MaxRatePerPartition  int64 // records/s; 0: none
	ReadUncommitted      bool
	Transactional        bool
	SinkOnly, SourceOnly string
}

// Config is the configuration of a source of topics with these options.
func (o Options) Config(brokers []string, group string, topics []string, batch time.Duration) SourceConfig {
	return SourceConfig{Brokers: brokers, Group: group, Topics: topics, Batch: batch, Starting: o.Starting,
		MaxRatePerPartition: o.MaxRatePerPartition, ReadUncommitted: o.ReadUncommitted}
}
