package kafka

import (
	"reflect"
	"testing"
)

func TestChecks(t *testing.T) {
	for _, tc := range []struct {
		brokers, topics []string
		want            string
	}{
		{nil, []string{"a"}, "want at least one broker address in Kafka.Brokers"},
		{[]string{"b:1"}, nil, "want at least one topic"},
		{[]string{"b:1"}, []string{"a", ""}, "want topic names, got an empty one"},
		{[]string{"b:1"}, []string{"a"}, ""},
	} {
		if err := CheckStream(tc.brokers, tc.topics); (err == nil) != (tc.want == "") || err != nil && err.Error() != tc.want {
			t.Errorf("CheckStream(%v, %v) = %v, want %q", tc.brokers, tc.topics, err, tc.want)
		}
	}
	if err := CheckSink([]string{"b:1"}, ""); err == nil || err.Error() != "want a topic name, got an empty string" {
		t.Errorf("CheckSink with no topic: %v", err)
	}
	if err := CheckSink([]string{"b:1"}, "t"); err != nil {
		t.Errorf("CheckSink: %v", err)
	}
}

type option func(*Options)

func TestOptionsOfTheOtherSide(t *testing.T) {
	rate := option(func(o *Options) { o.MaxRatePerPartition = 5; o.SourceOnly = "MaxRatePerPartition" })
	txn := option(func(o *Options) { o.Transactional = true; o.SinkOnly = "Transactional" })
	if o, err := StreamOptions([]option{nil, rate}); err != nil || o.MaxRatePerPartition != 5 {
		t.Errorf("StreamOptions: %+v, %v", o, err)
	}
	if _, err := StreamOptions([]option{rate, txn}); err == nil || err.Error() != "Transactional is an option of SaveToKafka, not of KafkaStream" {
		t.Errorf("StreamOptions with a sink's option: %v", err)
	}
	if o, err := SinkOptions([]option{txn}); err != nil || !o.Transactional {
		t.Errorf("SinkOptions: %+v, %v", o, err)
	}
	if _, err := SinkOptions([]option{rate}); err == nil || err.Error() != "MaxRatePerPartition is an option of KafkaStream, not of SaveToKafka" {
		t.Errorf("SinkOptions with a stream's option: %v", err)
	}
}

func TestRangeConversions(t *testing.T) {
	type offsetRange struct {
		Topic       string
		Partition   int32
		FromOffset  int64
		UntilOffset int64
	}
	rs := []offsetRange{{"a", 1, 2, 3}, {"b", 0, 0, 7}}
	back := FromRanges[offsetRange](ToRanges(rs))
	if !reflect.DeepEqual(back, rs) {
		t.Errorf("got %v, want %v", back, rs)
	}
	type tp struct {
		Topic     string
		Partition int32
	}
	if m, err := OffsetsOf(map[tp]int64{{"a", 1}: 4}); err != nil || m[TopicPartition{"a", 1}] != 4 {
		t.Errorf("OffsetsOf: %v, %v", m, err)
	}
	if _, err := OffsetsOf(map[tp]int64{{"a", 1}: -1}); err == nil || err.Error() != "offset -1 of a-1: want a non-negative offset" {
		t.Errorf("OffsetsOf a negative offset: %v", err)
	}
}
