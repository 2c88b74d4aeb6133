package engine

import (
	"strings"
	"testing"
	"time"
)

// A kafka:// master is parsed at NewStreamingContext; a bad one panics
// naming the URL and what is wrong with it.
func TestClusterMasterURL(t *testing.T) {
	ssc := NewStreamingContext("kafka://127.0.0.1:9092,127.0.0.1:9093/wc?local=3&session=7s&txn=12s", "wc", time.Second)
	c := ssc.cluster
	if c == nil || c.App != "wc" || strings.Join(c.Brokers, ",") != "127.0.0.1:9092,127.0.0.1:9093" || c.Workers != 3 || c.Session != 7*time.Second || c.Txn != 12*time.Second {
		t.Fatalf("parsed %+v", c)
	}
	if ssc.DefaultParallelism() != 3 || ssc.Master() != "kafka://127.0.0.1:9092,127.0.0.1:9093/wc?local=3&session=7s&txn=12s" {
		t.Errorf("DefaultParallelism %d, Master %q", ssc.DefaultParallelism(), ssc.Master())
	}
	if d := NewStreamingContext("kafka://h:1/job", "x", time.Second).cluster; d.Workers != 2 || d.Session != 6*time.Second || d.Txn != 10*time.Second {
		t.Errorf("defaults: %+v", d)
	}
	bad := map[string]string{
		"kafka://127.0.0.1:9092/":      `master "kafka://127.0.0.1:9092/": want kafka://HOST:PORT[,HOST:PORT]/APP[?local=N]: the application name APP after the brokers is missing`,
		"kafka://127.0.0.1:9092":       `master "kafka://127.0.0.1:9092": want kafka://HOST:PORT[,HOST:PORT]/APP[?local=N]: the application name APP after the brokers is missing`,
		"kafka:///job":                 `master "kafka:///job": want kafka://HOST:PORT[,HOST:PORT]/APP[?local=N]: no broker address`,
		"kafka://h/job":                `master "kafka://h/job": want kafka://HOST:PORT[,HOST:PORT]/APP[?local=N]: broker "h" is not HOST:PORT`,
		"kafka://h:1,:2/job":           `master "kafka://h:1,:2/job": want kafka://HOST:PORT[,HOST:PORT]/APP[?local=N]: broker ":2" is not HOST:PORT`,
		"kafka://h:1/a b":              `master "kafka://h:1/a b": the application name "a b": want 1 to 200 characters of a-z A-Z 0-9 . _ - (it names Kafka topics)`,
		"kafka://h:1/job?local=0":      `master "kafka://h:1/job?local=0": local=0: want a whole number of workers ≥ 1 or *`,
		"kafka://h:1/job?session=10ms": `master "kafka://h:1/job?session=10ms": session=10ms: want a duration of at least 1s, such as 6s`,
		"kafka://h:1/job?foo=1":        `master "kafka://h:1/job?foo=1": unknown parameter foo (want local, session or txn)`,
	}
	for master, want := range bad {
		err := mustPanicError(t, func() { NewStreamingContext(master, "x", time.Second) })
		if err.Op != "NewStreamingContext" || err.Msg != want {
			t.Errorf("%s:\n got %v\nwant %s", master, err, want)
		}
	}
	err := mustPanicError(t, func() { NewStreamingContext("yarn", "x", time.Second) })
	if want := `master "yarn": want "local", "local[N]", "local[*]" or kafka://HOST:PORT[,HOST:PORT]/APP[?local=N]`; err.Msg != want {
		t.Errorf("got %q, want %q", err.Msg, want)
	}
}

// Start refuses, before it joins the group, what a cluster job cannot
// split among its members.
func TestClusterRefusals(t *testing.T) {
	brokers := clusterKafka(t, 2)
	master := "kafka://" + brokers + "/job"
	kafka := Kafka{Brokers: []string{brokers}}
	tests := []struct {
		name  string
		build func(ssc *StreamingContext)
		want  string
	}{
		{"socket", func(ssc *StreamingContext) {
			ssc.KafkaStream(kafka, []string{"lines"}).Print()
			ssc.SocketTextStream("127.0.0.1", 9).Print()
		}, "SocketTextStream(127.0.0.1:9) cannot be split among the members of " + master + ": a cluster job reads only KafkaStream inputs"},
		{"queue", func(ssc *StreamingContext) {
			ssc.QueueStream(NewQueue(), true).Print()
		}, "QueueStream cannot be split among the members of " + master + ": a cluster job reads only KafkaStream inputs"},
		{"other brokers", func(ssc *StreamingContext) {
			ssc.KafkaStream(Kafka{Brokers: []string{"127.0.0.1:2"}}, []string{"lines"}).Print()
		}, "KafkaStream reads from the brokers 127.0.0.1:2 but the job runs on " + master + ": a cluster job uses one Kafka cluster"},
		{"group", func(ssc *StreamingContext) {
			ssc.KafkaStream(Kafka{Brokers: kafka.Brokers, Group: "g"}, []string{"lines"}).Print()
		}, `KafkaStream has the consumer group "g" but a cluster job's group is its APP "job": leave Kafka.Group empty`},
		{"sink brokers", func(ssc *StreamingContext) {
			ssc.KafkaStream(kafka, []string{"lines"}).Map(func(r KafkaRecord) string { return r.Value }).SaveToKafka(Kafka{Brokers: []string{"127.0.0.1:3"}}, "out")
		}, "SaveToKafka writes to the brokers 127.0.0.1:3 but the job runs on " + master + ": a cluster job uses one Kafka cluster"},
		{"checkpoint", func(ssc *StreamingContext) {
			ssc.KafkaStream(kafka, []string{"lines"}).Print()
			ssc.Checkpoint("/tmp/ck")
		}, `a cluster job keeps its positions and state in Kafka, not in a checkpoint directory: remove Checkpoint("/tmp/ck")`},
		{"window of counts", func(ssc *StreamingContext) {
			ssc.KafkaStream(kafka, []string{"lines"}).CountByWindow(2*time.Second, time.Second).Print()
		}, "CountByWindow cannot run in a cluster job: its window would hold each member's own CountByWindow of its partitions, which a rebalance moves; use ReduceByWindow with Inverse, which reduces over all the members (for a count, of 1 per element)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ssc := NewStreamingContext(master, "job", time.Second, WithManualClock(), WithBatchLog(nil))
			tc.build(ssc)
			err := ssc.Start()
			e, ok := err.(*Error)
			if !ok || e.Op != "StreamingContext.Start" || e.Msg != tc.want {
				t.Fatalf("Start:\n got %v\nwant %s", err, tc.want)
			}
			if ssc.State() != Initialized {
				t.Errorf("state after a refused Start: %v", ssc.State())
			}
		})
	}
}

// The input topics must exist when a cluster job's KafkaStream is made, and
// have the same number of partitions, which becomes the job's default
// number of partitions.
func TestClusterInputTopics(t *testing.T) {
	brokers := clusterKafka(t, 4)
	produceLines(t, brokers, 4, nil)
	kafka := Kafka{Brokers: []string{brokers}}
	ssc := NewStreamingContext("kafka://"+brokers+"/job", "job", time.Second, WithBatchLog(nil))
	ssc.KafkaStream(kafka, []string{"lines"})
	if got := ssc.DefaultParallelism(); got != 4 {
		t.Errorf("DefaultParallelism after a KafkaStream of 4 partitions: %d", got)
	}
	err := mustPanicError(t, func() { ssc.KafkaStream(kafka, []string{"nosuch"}) })
	if !strings.HasPrefix(err.Msg, `a cluster job's tasks are its input topics' partitions, so the topics must exist when the stream is made: topic "nosuch": UNKNOWN_TOPIC_OR_PARTITION`) {
		t.Errorf("missing topic: %v", err)
	}
	createTopic(t, brokers, "three", 3)
	err = mustPanicError(t, func() { ssc.KafkaStream(kafka, []string{"three"}) })
	if want := "the input topics must have the same number of partitions, so that partition p of each goes to the same member: lines has 4, three has 3"; err.Msg != want {
		t.Errorf("got %q, want %q", err.Msg, want)
	}
}
