package kafka

import (
	"errors"
	"fmt"
)

// CheckStream checks what a KafkaStream is made of: its brokers and
// topics.
func CheckStream(brokers, topics []string) error {
	if len(brokers) == 0 {
		return errors.New("want at least one broker address in Kafka.Brokers")
	}
	if len(topics) == 0 {
		return errors.New("want at least one topic")
	}
	for _, t := range topics {
		if t == "" {
			return errors.New("want topic names, got an empty one")
		}
	}
	return nil
}

// CheckSink checks what a SaveToKafka writes to: its brokers and topic.
func CheckSink(brokers []string, topic string) error {
	if len(brokers) == 0 {
		return errors.New("want at least one broker address in Kafka.Brokers")
	}
	if topic == "" {
		return errors.New("want a topic name, got an empty string")
	}
	return nil
}

// StreamOptions applies a KafkaStream's options, in order; the first of
// the sink's given is an error naming it.
func StreamOptions[O ~func(*Options)](opts []O) (Options, error) {
	return apply(opts, func(o *Options) string { return o.SinkOnly }, "SaveToKafka", "KafkaStream")
}

// SinkOptions applies a SaveToKafka's options, in order; the first of the
// stream's given is an error naming it.
func SinkOptions[O ~func(*Options)](opts []O) (Options, error) {
	return apply(opts, func(o *Options) string { return o.SourceOnly }, "KafkaStream", "SaveToKafka")
}

// apply applies opts, in order, to call's Options; the first that sets
// the option other's alone take (wrong says which) is an error naming it.
func apply[O ~func(*Options)](opts []O, wrong func(*Options) string, other, call string) (Options, error) {
	var o Options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
			if name := wrong(&o); name != "" {
				return o, fmt.Errorf("%s is an option of %s, not of %s", name, other, call)
			}
		}
	}
	return o, nil
}

// RangeType is a type of Range's fields, engine.OffsetRange: the two
// convert into each other.
type RangeType interface {
	~struct {
		Topic       string
		Partition   int32
		FromOffset  int64
		UntilOffset int64
	}
}

// ToRanges converts ranges of the caller's type to Ranges.
func ToRanges[R RangeType](rs []R) []Range {
	out := make([]Range, len(rs))
	for i, r := range rs {
		out[i] = Range(r)
	}
	return out
}

// FromRanges converts Ranges to the caller's type.
func FromRanges[R RangeType](rs []Range) []R {
	out := make([]R, len(rs))
	for i, r := range rs {
		out[i] = R(r)
	}
	return out
}

// Consumed is what the streams read for batch t, per group, for a
// transactional sink's commit (each Stream's Consumed).
func Consumed(streams []*Stream, t int64, when string) (map[string][]Range, error) {
	out := map[string][]Range{}
	for _, s := range streams {
		group, ranges, err := s.Consumed(t, when)
		if err != nil {
			return nil, err
		}
		out[group] = append(out[group], ranges...)
	}
	return out, nil
}

// OffsetsOf converts starting offsets keyed by the caller's
// topic-partitions (engine.TopicPartition); a negative offset is an error.
func OffsetsOf[TP ~struct {
	Topic     string
	Partition int32
}](m map[TP]int64) (map[TopicPartition]int64, error) {
	out := make(map[TopicPartition]int64, len(m))
	for tp, o := range m {
		if o < 0 {
			return nil, fmt.Errorf("offset %d of %s: want a non-negative offset", o, TopicPartition(tp))
		}
		out[TopicPartition(tp)] = o
	}
	return out, nil
}
