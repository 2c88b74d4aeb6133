package engine_test

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gostream/gostream/engine"
	"github.com/gostream/gostream/internal/kafkatest"
)

// kafkaCluster builds engine/internal/kafkajob and runs it as the cluster,
// in its own process.
func kafkaCluster(t testing.TB, args ...string) *kafkatest.Cluster {
	t.Helper()
	if _, err := exec.LookPath("kcat"); err != nil {
		t.Fatal("the Kafka tests need Debian's kcat (test.sh installs it)")
	}
	bin := kafkajobBinary(t)
	return kafkatest.StartCluster(t, append([]string{bin, "-mode", "cluster"}, args...)...)
}

// kafkajobBinary builds engine/internal/kafkajob into the test's directory
// (the build cache makes every build after the first a link).
func kafkajobBinary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "kafkajob")
	if out, err := exec.Command("go", "build", "-o", bin, "./internal/kafkajob").CombinedOutput(); err != nil {
		t.Fatalf("go build ./internal/kafkajob: %v\n%s", err, out)
	}
	return bin
}

type kafkaBatchSeen struct {
	ranges []engine.OffsetRange
	parts  [][]string
}

func values(parts [][]any) [][]string {
	out := make([][]string, len(parts))
	for i, p := range parts {
		out[i] = []string{}
		for _, x := range p {
			out[i] = append(out[i], x.(engine.KafkaRecord).Value)
		}
	}
	return out
}

func rng(topic string, p int32, from, until int64) engine.OffsetRange {
	return engine.OffsetRange{Topic: topic, Partition: p, FromOffset: from, UntilOffset: until}
}

// TestKafkaDirectStream checks Spark's direct-stream semantics against a
// three-broker cluster in its own process, with kcat producing the input:
// one range per partition, one RDD partition per range (also when empty),
// ranges that continue where the last batch ended, commits on a graceful
// stop, and a new stream of the group starting from them.
func TestKafkaDirectStream(t *testing.T) {
	c := kafkaCluster(t, "-brokers", "3", "-partitions", "3")
	c.Produce(t, "in", 0, "a", "b", "c")
	c.Produce(t, "in", 1, "d")
	c.Kcat(t, "", "-L", "-t", "in") // the topic exists with its 3 partitions

	kafka := engine.Kafka{Brokers: strings.Split(c.Bootstrap, ","), Group: "g1"}
	ssc := engine.NewStreamingContext("local[2]", "direct", time.Second, engine.WithManualClock(), engine.WithBatchLog(testLog{t}))
	recs := ssc.KafkaStream(kafka, []string{"in"}, engine.StartingOffsets(engine.Earliest))
	var mu sync.Mutex
	var seen []kafkaBatchSeen
	recs.ForeachRDD(func(rdd *engine.RDD) {
		ranges := engine.OffsetRangesOf(rdd)
		mu.Lock()
		seen = append(seen, kafkaBatchSeen{ranges, values(rdd.Partitions())})
		mu.Unlock()
		recs.CommitAsync(ranges)
	})
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	if err := ssc.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	c.Produce(t, "in", 2, "e", "f")
	c.Produce(t, "in", 0, "g")
	if err := ssc.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	ssc.Stop(true)
	want := []kafkaBatchSeen{
		{[]engine.OffsetRange{rng("in", 0, 0, 3), rng("in", 1, 0, 1), rng("in", 2, 0, 0)}, [][]string{{"a", "b", "c"}, {"d"}, {}}},
		{[]engine.OffsetRange{rng("in", 0, 3, 4), rng("in", 1, 1, 1), rng("in", 2, 0, 2)}, [][]string{{"g"}, {}, {"e", "f"}}},
	}
	if !reflect.DeepEqual(seen, want) {
		t.Fatalf("batches:\n got %v\nwant %v", seen, want)
	}

	// A new stream of the group starts from the offsets committed by the
	// last batch, and a derived RDD has no ranges.
	c.Produce(t, "in", 1, "h")
	ssc2 := engine.NewStreamingContext("local[2]", "direct", time.Second, engine.WithManualClock(), engine.WithBatchLog(nil))
	recs2 := ssc2.KafkaStream(kafka, []string{"in"})
	var got2 []kafkaBatchSeen
	var derivedErr string
	recs2.ForeachRDD(func(rdd *engine.RDD) {
		got2 = append(got2, kafkaBatchSeen{engine.OffsetRangesOf(rdd), values(rdd.Partitions())})
		func() {
			defer func() { derivedErr = fmt.Sprint(recover()) }()
			engine.OffsetRangesOf(rdd.Map(func(r engine.KafkaRecord) string { return r.Value }))
		}()
	})
	ssc2.Start()
	ssc2.Advance(time.Second)
	ssc2.Stop(false)
	want2 := []kafkaBatchSeen{{[]engine.OffsetRange{rng("in", 0, 4, 4), rng("in", 1, 1, 2), rng("in", 2, 2, 2)}, [][]string{{}, {"h"}, {}}}}
	if !reflect.DeepEqual(got2, want2) {
		t.Errorf("from the committed offsets:\n got %v\nwant %v", got2, want2)
	}
	if !strings.Contains(derivedErr, "OffsetRangesOf: the RDD is not one a KafkaStream made (an RDD of Map)") {
		t.Errorf("OffsetRangesOf of a mapped RDD: %s", derivedErr)
	}
}

// TestKafkaMaxRatePerPartition: 2 records/s/partition with 1 s batches take
// 2 records of each partition per batch, and the batch log shows the rate.
func TestKafkaMaxRatePerPartition(t *testing.T) {
	c := kafkaCluster(t, "-partitions", "2")
	c.Produce(t, "in", 0, "a", "b", "c", "d", "e")
	c.Produce(t, "in", 1, "x")
	kafka := engine.Kafka{Brokers: strings.Split(c.Bootstrap, ",")}
	var log strings.Builder
	var logMu sync.Mutex
	ssc := engine.NewStreamingContext("local[2]", "rate", time.Second, engine.WithManualClock(), engine.WithBatchLog(lockedWriter{&logMu, &log}))
	recs := ssc.KafkaStream(kafka, []string{"in"}, engine.StartingOffsets(engine.Earliest), engine.MaxRatePerPartition(2))
	var seen [][]engine.OffsetRange
	recs.ForeachRDD(func(rdd *engine.RDD) { seen = append(seen, engine.OffsetRangesOf(rdd)) })
	var rates []float64
	ssc.AddStreamingListener(engine.OnBatchCompleted(func(b engine.BatchInfo) { rates = append(rates, b.Rate) }))
	ssc.Start()
	ssc.Advance(3 * time.Second)
	ssc.Stop(false)
	want := [][]engine.OffsetRange{
		{rng("in", 0, 0, 2), rng("in", 1, 0, 1)},
		{rng("in", 0, 2, 4), rng("in", 1, 1, 1)},
		{rng("in", 0, 4, 5), rng("in", 1, 1, 1)},
	}
	if !reflect.DeepEqual(seen, want) {
		t.Errorf("ranges:\n got %v\nwant %v", seen, want)
	}
	if !reflect.DeepEqual(rates, []float64{4, 4, 4}) {
		t.Errorf("BatchInfo.Rate: %v, want [4 4 4]", rates)
	}
	logMu.Lock()
	defer logMu.Unlock()
	if !strings.Contains(log.String(), "(execution: ") || !strings.Contains(log.String(), "rate: 4 records/s)") {
		t.Errorf("batch log:\n%s\nwant the rate in force", log.String())
	}
}

type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *strings.Builder
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestKafkaTransactionalSink writes a word count back to Kafka in
// transactions and reads it with kcat in read_committed mode.
func TestKafkaTransactionalSink(t *testing.T) {
	c := kafkaCluster(t, "-brokers", "3", "-partitions", "2")
	c.Produce(t, "in", 0, "a b a")
	c.Produce(t, "in", 1, "b c")
	c.Produce(t, "out", -1, "") // the output topic exists
	kafka := engine.Kafka{Brokers: strings.Split(c.Bootstrap, ","), Group: "wc"}
	ssc := engine.NewStreamingContext("local[2]", "txn", time.Second, engine.WithManualClock(), engine.WithBatchLog(nil))
	recs := ssc.KafkaStream(kafka, []string{"in"}, engine.StartingOffsets(engine.Earliest))
	counts := recs.Map(func(r engine.KafkaRecord) string { return r.Value }).
		FlatMap(strings.Fields).Map(engine.WithOne).ReduceByKey(engine.Sum)
	counts.SaveToKafka(kafka, "out", engine.Transactional())
	recs.Map(func(r engine.KafkaRecord) string { return strings.ToUpper(r.Value) }).SaveToKafka(kafka, "upper")
	ssc.Start()
	if err := ssc.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	ssc.Stop(false)
	got := map[string]string{}
	for _, m := range c.Consume(t, "out") {
		if m.Key != nil && *m.Key != "" {
			got[*m.Key] = *m.Value
		}
	}
	if want := map[string]string{"a": "2", "b": "2", "c": "1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("read_committed counts: %v, want %v", got, want)
	}
	var upper []string
	for _, m := range c.Consume(t, "upper") {
		upper = append(upper, *m.Value)
	}
	sort.Strings(upper)
	if !reflect.DeepEqual(upper, []string{"A B A", "B C"}) {
		t.Errorf("upper: %q", upper)
	}
}

// TestKafkaKillExactlyOnce runs a checkpointed stateful word count that
// writes its changed counts to Kafka in transactions, kills it with SIGKILL
// several times while kcat keeps producing its input, and restarts it on
// the same checkpoint: the counts read back with read_committed equal the
// truth, and no batch's output appears twice.
func TestKafkaKillExactlyOnce(t *testing.T) {
	c := kafkaCluster(t, "-brokers", "3", "-partitions", "2")
	c.Produce(t, "out", -1, "") // the output topic exists
	bin := kafkajobBinary(t)
	ckpt := t.TempDir()
	vocab := strings.Fields("apple banana cherry date elder fig grape")
	truth := map[string]int{}
	var lines [][]string
	words := 0
	for round := 0; round < 24; round++ {
		var batch []string
		for l := 0; l < 4; l++ {
			var ws []string
			for w := 0; w < 5; w++ {
				word := vocab[(round*7+l*3+w*w)%len(vocab)]
				ws = append(ws, word)
				truth[word]++
				words++
			}
			batch = append(batch, strings.Join(ws, " "))
		}
		lines = append(lines, batch)
	}
	produced := make(chan struct{})
	go func() {
		defer close(produced)
		for i, b := range lines {
			c.Produce(t, "in", i%2, b...)
			time.Sleep(40 * time.Millisecond) // input keeps arriving while the job runs
		}
	}()
	argv := []string{bin, "-mode", "wordcount", "-brokers", c.Bootstrap, "-ckpt", ckpt, "-in", "in", "-out", "out", "-words", fmt.Sprint(words)}
	for kill := 0; kill < 3; kill++ {
		p := startKafkaJob(t, argv)
		p.waitLine(t, "started")
		time.Sleep(time.Duration(400+300*kill) * time.Millisecond) // a moment mid-stream to kill it at
		p.cmd.Process.Kill()
		<-p.done
	}
	<-produced
	p := startKafkaJob(t, argv)
	p.waitLine(t, "done")

	last := map[string]int{}
	for _, m := range c.Consume(t, "out") {
		if m.Key == nil || *m.Key == "" {
			continue
		}
		var n int
		fmt.Sscan(*m.Value, &n)
		if n <= last[*m.Key] {
			t.Errorf("key %s: count %d after %d: a batch was written twice or lost", *m.Key, n, last[*m.Key])
		}
		last[*m.Key] = n
	}
	if !reflect.DeepEqual(last, truth) {
		t.Errorf("final counts %v, want %v", last, truth)
	}
}

type kafkaJob struct {
	cmd    *exec.Cmd
	stderr strings.Builder
	mu     sync.Mutex
	lines  chan string
	done   chan error
}

func startKafkaJob(t *testing.T, argv []string) *kafkaJob {
	t.Helper()
	p := &kafkaJob{cmd: exec.Command(argv[0], argv[1:]...), lines: make(chan string, 64), done: make(chan error, 1)}
	p.cmd.Stderr = lockedWriter{&p.mu, &p.stderr}
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.cmd.Process.Kill() })
	go func() {
		buf := make([]byte, 4096)
		var acc string
		for {
			n, err := out.Read(buf)
			acc += string(buf[:n])
			for {
				i := strings.IndexByte(acc, '\n')
				if i < 0 {
					break
				}
				select {
				case p.lines <- acc[:i]:
				default:
				}
				acc = acc[i+1:]
			}
			if err != nil {
				break
			}
		}
		p.done <- p.cmd.Wait()
	}()
	return p
}

func (p *kafkaJob) waitLine(t *testing.T, prefix string) {
	t.Helper()
	timeout := time.After(2 * time.Minute)
	for {
		select {
		case l := <-p.lines:
			if strings.HasPrefix(l, prefix) {
				return
			}
		case err := <-p.done:
			p.mu.Lock()
			defer p.mu.Unlock()
			t.Fatalf("job exited (%v) before printing %q; stderr:\n%s", err, prefix, p.stderr.String())
		case <-timeout:
			p.mu.Lock()
			defer p.mu.Unlock()
			t.Fatalf("job printed no %q within 2 minutes; stderr:\n%s", prefix, p.stderr.String())
		}
	}
}
