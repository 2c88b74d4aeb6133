package cluster

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	c, err := ParseMaster("kafka://b1:9092,b2:9092/app")
	if err != nil {
		t.Fatal(err)
	}
	ok := Input{Op: "KafkaStream", Kafka: true, Brokers: []string{"b2:9092", "b1:9092"}}
	tests := []struct {
		name       string
		checkpoint string
		inputs     []Input
		streams    []Stream
		sinks      [][]string
		want       string
	}{
		{"fine", "", []Input{ok, {Op: "KafkaStream", Kafka: true, Brokers: ok.Brokers, Group: "app"}}, []Stream{{Op: "Map", Parent: -1}, {Op: "Window", Parent: 0, Window: 3000}}, [][]string{{"b1:9092", "b2:9092"}}, ""},
		{"checkpoint", "/tmp/cp", []Input{{Op: "QueueStream"}}, nil, nil, `not in a checkpoint directory: remove Checkpoint("/tmp/cp")`},
		{"not kafka", "", []Input{ok, {Op: "QueueStream"}}, nil, nil, "QueueStream cannot be split among the members of kafka://b1:9092,b2:9092/app"},
		{"other brokers", "", []Input{{Op: "KafkaStream", Kafka: true, Brokers: []string{"b3:9092"}}}, nil, nil, "KafkaStream reads from the brokers b3:9092 but the job runs on"},
		{"other group", "", []Input{{Op: "KafkaStream", Kafka: true, Brokers: ok.Brokers, Group: "g"}}, nil, nil, `the consumer group "g" but a cluster job's group is its APP "app"`},
		{"no input", "", nil, nil, nil, "needs at least one KafkaStream input"},
		{"incremental window", "", []Input{ok}, []Stream{{Op: "Count", Parent: -1}, {Op: "ReduceByWindow", Parent: 0, Window: 3000, Stateful: true}}, nil, ""},
		{"unsupported", "", []Input{ok}, []Stream{{Op: "Map", Parent: -1}, {Op: "Count", Parent: 0}, {Op: "Window", Parent: 1, Window: 3000}}, nil,
			"Window cannot run in a cluster job: its window would hold each member's own Count of its partitions, which a rebalance moves; use ReduceByWindow with Inverse"},
		{"sink", "", []Input{ok}, nil, [][]string{{"b3:9092", "b4:9092"}}, "SaveToKafka writes to the brokers b3:9092,b4:9092 but the job runs on"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.Check(tt.checkpoint, tt.inputs, tt.streams, tt.sinks)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestInputTasks(t *testing.T) {
	brokers := testKafka(t)
	c, err := ParseMaster("kafka://" + brokers + "/app")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := c.InputTasks([]string{"in"}, "", 0); n != 2 || err != nil {
		t.Fatalf("got %d, %v; want 2 tasks", n, err)
	}
	if _, err := c.InputTasks([]string{"in"}, "first", 3); err == nil || !strings.Contains(err.Error(), "the same number of partitions, so that partition p of each goes to the same member: first has 3, in has 2") {
		t.Fatalf("against a first topic of 3 partitions: got %v", err)
	}
}
