package engine_test

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gostream/gostream/engine"
)

type receiverErrors struct {
	mu   sync.Mutex
	msgs []string
}

func (r *receiverErrors) OnBatchCompleted(engine.BatchInfo) {}
func (r *receiverErrors) OnReceiverError(info engine.ReceiverErrorInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, info.Error())
}

func (r *receiverErrors) all() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.msgs, "\n")
}

// TestKafkaUnreachableBrokers: a stream whose brokers are not there reports
// an error naming their address, keeps running batches, and reads the
// records once a cluster comes up on that address.
func TestKafkaUnreachableBrokers(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	port := addr[strings.LastIndexByte(addr, ':')+1:]
	l.Close()
	kafka := engine.Kafka{Brokers: []string{addr}}
	ssc := engine.NewStreamingContext("local[2]", "down", time.Second, engine.WithManualClock(), engine.WithBatchLog(nil))
	recs := ssc.KafkaStream(kafka, []string{"in"}, engine.StartingOffsets(engine.Earliest))
	var mu sync.Mutex
	var got []string
	batches := 0
	recs.ForeachRDD(func(rdd *engine.RDD) {
		mu.Lock()
		defer mu.Unlock()
		batches++
		for _, x := range rdd.Collect() {
			got = append(got, x.(engine.KafkaRecord).Value)
		}
	})
	errs := &receiverErrors{}
	ssc.AddStreamingListener(errs)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	defer ssc.Stop(false)
	if err := ssc.Advance(2 * time.Second); err != nil {
		t.Fatalf("batches with the brokers down: %v", err)
	}
	if msg := errs.all(); !strings.Contains(msg, "receiver KafkaStream: topics in at the brokers "+addr+": the batch of 1000 ms reads nothing new and the next batch tries again") {
		t.Fatalf("errors reported: %q, want one naming %s", msg, addr)
	}
	c := kafkaCluster(t, "-port", port)
	c.Produce(t, "in", 0, "late")
	if err := ssc.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if batches != 3 || strings.Join(got, ",") != "late" {
		t.Errorf("%d batches read %q; want 3 batches, the last reading [late]", batches, got)
	}
}

// TestKafkaBackpressure slows processing to about 1 ms a record: with
// WithBackpressure the PID estimator brings the rate in force down to what
// the pipeline sustains (at most 1000 records/s, at least Spark's minimum
// of 100), and each batch takes no more than that.
func TestKafkaBackpressure(t *testing.T) {
	c := kafkaCluster(t)
	var lines []string
	for i := 0; i < 4000; i++ {
		lines = append(lines, "r")
	}
	c.Produce(t, "in", 0, lines...)
	kafka := engine.Kafka{Brokers: strings.Split(c.Bootstrap, ",")}
	ssc := engine.NewStreamingContext("local[2]", "bp", 500*time.Millisecond, engine.WithManualClock(), engine.WithBatchLog(nil), engine.WithBackpressure())
	recs := ssc.KafkaStream(kafka, []string{"in"}, engine.StartingOffsets(engine.Earliest), engine.MaxRatePerPartition(2000))
	recs.ForeachRDD(func(rdd *engine.RDD) {
		for range rdd.Collect() {
			time.Sleep(time.Millisecond)
		}
	})
	var infos []engine.BatchInfo
	ssc.AddStreamingListener(engine.OnBatchCompleted(func(b engine.BatchInfo) { infos = append(infos, b) }))
	ssc.Start()
	defer ssc.Stop(false)
	ssc.Advance(2 * time.Second) // 4 batches
	if len(infos) != 4 {
		t.Fatalf("%d batches, want 4", len(infos))
	}
	for _, b := range infos[:2] {
		if b.Records != 1000 || b.Rate != 2000 {
			t.Errorf("batch %s: %d records at rate %v; want 1000 at MaxRatePerPartition's 2000 before the first estimate", b.BatchTime, b.Records, b.Rate)
		}
	}
	for i, b := range infos[2:] {
		if b.Rate < 100 || b.Rate > 1000 {
			t.Errorf("batch %d: rate %v, want between Spark's minimum 100 and the sustainable 1000 records/s", i+3, b.Rate)
		}
		if most := max(int(b.Rate*0.5), 1); b.Records > most {
			t.Errorf("batch %d: %d records, want at most %d at rate %v", i+3, b.Records, most, b.Rate)
		}
	}
}

// TestKafkaBackpressureInitialRate: without MaxRatePerPartition, the
// initial rate holds a Kafka stream until the first estimate.
func TestKafkaBackpressureInitialRate(t *testing.T) {
	c := kafkaCluster(t)
	var lines []string
	for i := 0; i < 2000; i++ {
		lines = append(lines, "r")
	}
	c.Produce(t, "in", 0, lines...)
	kafka := engine.Kafka{Brokers: strings.Split(c.Bootstrap, ",")}
	ssc := engine.NewStreamingContext("local[2]", "bpinit", 500*time.Millisecond, engine.WithManualClock(), engine.WithBatchLog(nil), engine.WithBackpressureInitialRate(400))
	recs := ssc.KafkaStream(kafka, []string{"in"}, engine.StartingOffsets(engine.Earliest))
	recs.ForeachRDD(func(rdd *engine.RDD) { rdd.Count() })
	var infos []engine.BatchInfo
	ssc.AddStreamingListener(engine.OnBatchCompleted(func(b engine.BatchInfo) { infos = append(infos, b) }))
	ssc.Start()
	defer ssc.Stop(false)
	ssc.Advance(time.Second) // 2 batches
	if len(infos) != 2 {
		t.Fatalf("%d batches, want 2", len(infos))
	}
	for _, b := range infos {
		if b.Records != 200 || b.Rate != 400 {
			t.Errorf("batch %s: %d records at rate %v; want 200 at the initial 400 records/s", b.BatchTime, b.Records, b.Rate)
		}
	}
}

// TestKafkaBadInput: a value that is not UTF-8 arrives byte for byte, a
// record larger than the brokers accept fails its batch with an error
// naming its size, and a deleted topic is reported while the stream reads on.
func TestKafkaBadInput(t *testing.T) {
	c := kafkaCluster(t, "-max-message-bytes", "2000")
	c.Produce(t, "a", 0, "ok", "bad \xff\xfe bytes")
	c.Produce(t, "b", 0, "b1")
	kafka := engine.Kafka{Brokers: strings.Split(c.Bootstrap, ",")}
	ssc := engine.NewStreamingContext("local[2]", "bad", time.Second, engine.WithManualClock(), engine.WithBatchLog(nil))
	recs := ssc.KafkaStream(kafka, []string{"a", "b"}, engine.StartingOffsets(engine.Earliest))
	var mu sync.Mutex
	var got []string
	recs.ForeachRDD(func(rdd *engine.RDD) {
		mu.Lock()
		defer mu.Unlock()
		for _, x := range rdd.Collect() {
			got = append(got, x.(engine.KafkaRecord).Value)
		}
	})
	recs.Map(func(r engine.KafkaRecord) string {
		if r.Value == "b1" {
			return noise(5000) // incompressible: the producer compresses batches
		}
		return r.Value
	}).SaveToKafka(kafka, "copy")
	errs := &receiverErrors{}
	ssc.AddStreamingListener(errs)
	ssc.Start()
	defer ssc.Stop(false)
	err := ssc.Advance(time.Second)
	if err == nil || !strings.Contains(err.Error(), `SaveToKafka at 1000 ms: writing to topic "copy" at `+c.Bootstrap+`: a record of 5000 bytes (key "") is larger than the brokers accept: MESSAGE_TOO_LARGE`) {
		t.Errorf("the batch with a record too large: %v", err)
	}
	mu.Lock()
	if strings.Join(got, "|") != "ok|bad \xff\xfe bytes|b1" {
		t.Errorf("read %q", got)
	}
	got = nil
	mu.Unlock()

	adm := kadm.NewClient(mustClient(t, kafka.Brokers))
	if _, err := adm.DeleteTopic(context.Background(), "b"); err != nil {
		t.Fatal(err)
	}
	c.Produce(t, "a", 0, "after")
	if err := ssc.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	if msg := errs.all(); !strings.Contains(msg, `topic "b": UNKNOWN_TOPIC_OR_PARTITION`) && !strings.Contains(msg, `partition b-0: UNKNOWN_TOPIC_OR_PARTITION`) {
		t.Errorf("errors reported: %q, want the deleted topic named", msg)
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(got, "|") != "after" {
		t.Errorf("after deleting b, read %q, want [after]", got)
	}
}

func mustClient(t *testing.T, brokers []string) *kgo.Client {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// noise returns n pseudo-random letters.
func noise(n int) string {
	b := make([]byte, n)
	x := uint32(12345)
	for i := range b {
		x = x*1664525 + 1013904223
		b[i] = 'a' + byte(x>>24)%26
	}
	return string(b)
}
