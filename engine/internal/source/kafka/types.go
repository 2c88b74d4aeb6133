package kafka

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// TopicPartition names one partition of a topic.
type TopicPartition struct {
	Topic     string
	Partition int32
}

func (tp TopicPartition) String() string { return fmt.Sprintf("%s-%d", tp.Topic, tp.Partition) }

// Range is the offsets [FromOffset, UntilOffset) of one topic-partition.
// Its fields are engine.OffsetRange's, so the two convert into each other
// and encode the same.
type Range struct {
	Topic       string
	Partition   int32
	FromOffset  int64
	UntilOffset int64
}

// Count is the number of offsets in the range.
func (r Range) Count() int64 { return r.UntilOffset - r.FromOffset }

// TopicPartition returns the range's topic-partition.
func (r Range) TopicPartition() TopicPartition { return TopicPartition{r.Topic, r.Partition} }

// Record is one record Fetch read. Its fields are engine.KafkaRecord's.
type Record struct {
	Topic     string
	Partition int32
	Offset    int64
	Key       string
	Value     string
	Timestamp time.Time
	Headers   map[string]string
}

// recordOf converts a fetched record. Keys and values that are not UTF-8
// are kept byte for byte in the string.
func recordOf(r *kgo.Record) Record {
	k := Record{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset,
		Key: string(r.Key), Value: string(r.Value), Timestamp: r.Timestamp}
	if len(r.Headers) > 0 {
		k.Headers = make(map[string]string, len(r.Headers))
		for _, h := range r.Headers {
			k.Headers[h.Key] = string(h.Value)
		}
	}
	return k
}

// Message is one record a Producer writes; a nil Key is a record without
// a key.
type Message struct {
	Key, Value []byte
}

// EncodeRanges is the checkpoint's record of a batch: its ranges.
func EncodeRanges(ranges []Range) ([]byte, error) { return json.Marshal(ranges) }

// DecodeRanges reads what EncodeRanges wrote.
func DecodeRanges(b []byte) ([]Range, error) {
	var ranges []Range
	if err := json.Unmarshal(b, &ranges); err != nil {
		return nil, err
	}
	return ranges, nil
}

// NewClient makes a client of the brokers with the options every client of
// the engine shares (the source's, the sink's and a cluster member's), then
// extra.
func NewClient(brokers []string, extra ...kgo.Opt) (*kgo.Client, error) {
	opts := append([]kgo.Opt{kgo.SeedBrokers(brokers...), kgo.ClientID("gostream")}, extra...)
	return kgo.NewClient(opts...)
}

func brokerList(brokers []string) string { return strings.Join(brokers, ",") }
