package engine

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// These tests run two or three members of one job as StreamingContexts
// in this process, on an in-process cluster, each on its manual clock: a
// member's batch runs when the test advances it, so the test decides how
// their batches interleave. The tests with real processes are in
// internal/clustertest.

// clusterKafka starts a cluster with topic "lines" of parts partitions.
func clusterKafka(t *testing.T, parts int) string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(0), kfake.SeedTopics(int32(parts), "lines"),
		kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(parts), kfake.GroupMinSessionTimeout(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return strings.Join(c.ListenAddrs(), ",")
}

// produceLines writes lines round robin over the partitions of "lines".
func produceLines(t *testing.T, brokers string, parts int, lines []string) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(brokers, ",")...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var recs []*kgo.Record
	for i, l := range lines {
		recs = append(recs, &kgo.Record{Topic: "lines", Partition: int32(i % parts), Value: []byte(l)})
	}
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// readCounts reads topic read_committed to its end: the last value of
// each key, and how many records it holds.
func readCounts(t *testing.T, brokers, topic string) (map[string]int, int) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(brokers, ",")...), kgo.ConsumeTopics(topic),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	out := map[string]int{}
	n := 0
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		fs := cl.PollFetches(ctx)
		cancel()
		got := 0
		fs.EachRecord(func(r *kgo.Record) {
			got++
			v, err := strconv.Atoi(string(r.Value))
			if err != nil {
				t.Fatalf("record %q=%q of %s: the value is not a count", r.Key, r.Value, topic)
			}
			out[string(r.Key)] = v
		})
		n += got
		if got == 0 {
			return out, n
		}
	}
}

// wordCounts is the truth: each word's count in lines.
func wordCounts(lines []string) map[string]int {
	out := map[string]int{}
	for _, l := range lines {
		for _, w := range strings.Fields(l) {
			out[w]++
		}
	}
	return out
}

func wcLines(from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("w%d w%d common", i%7, i%3))
	}
	return out
}

// logLines collects a member's batch log.
type logLines struct {
	t  *testing.T
	mu sync.Mutex
	ls []string
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range strings.Split(strings.TrimSpace(string(p)), "\n") {
		if strings.HasPrefix(s, "cluster ") {
			l.t.Log(s)
		}
		l.ls = append(l.ls, s)
	}
	return len(p), nil
}

// last returns the last line containing sub.
func (l *logLines) last(sub string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := len(l.ls) - 1; i >= 0; i-- {
		if strings.Contains(l.ls[i], sub) {
			return l.ls[i]
		}
	}
	return ""
}

type wcMember struct {
	ssc *StreamingContext
	log *logLines
}

// startWordCount starts a member of the stateful word count "wc": the
// running count of every word, written to topic "counts" for the words of
// each batch (ReduceByKey joined with the state, as a user writes it).
func startWordCount(t *testing.T, brokers string, hook func(*RDD)) *wcMember {
	t.Helper()
	log := &logLines{t: t}
	ssc := NewStreamingContext("kafka://"+brokers+"/wc?session=2s&txn=5s", "wc", time.Second, WithManualClock(), WithBatchLog(log))
	kafka := Kafka{Brokers: strings.Split(brokers, ",")}
	words := ssc.KafkaStream(kafka, []string{"lines"}, StartingOffsets(Earliest)).
		Map(func(r KafkaRecord) string { return r.Value }).FlatMap(strings.Fields).Map(WithOne)
	counts := words.UpdateStateByKey(func(vs []int, s *int) *int {
		n := 0
		if s != nil {
			n = *s
		}
		for _, v := range vs {
			n += v
		}
		return &n
	})
	changed := words.ReduceByKey(Sum).Join(counts).Map(func(p Pair) Pair { return KV(p.Key, p.Value.(Pair).Value) })
	changed.SaveToKafka(kafka, "counts")
	if hook != nil {
		changed.ForeachRDD(hook) // after the output: the batch has done its reads and writes
	}
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ssc.Stop(false) })
	return &wcMember{ssc, log}
}

func (m *wcMember) advance(t *testing.T) {
	t.Helper()
	if err := m.ssc.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
}

// untilCounts advances the members batch by batch until the output holds
// want, and fails after limit.
func untilCounts(t *testing.T, brokers string, want map[string]int, limit time.Duration, ms ...*wcMember) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		for _, m := range ms {
			m.advance(t)
		}
		got, _ := readCounts(t, brokers, "counts")
		if maps.Equal(got, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v the output holds\n%v\nwant\n%v", limit, got, want)
		}
	}
}

// owned waits until the member's last assignment line names parts.
func (m *wcMember) untilOwns(t *testing.T, parts string, others ...*wcMember) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.HasSuffix(m.log.last("owns partitions"), "owns partitions "+parts) {
		if time.Now().After(deadline) {
			t.Fatalf("the member's last assignment is %q, want %s", m.log.last("owns partitions"), parts)
		}
		m.advance(t)
		for _, o := range others {
			o.advance(t)
		}
	}
}

// Two members share a stateful word count: each owns half the partitions,
// the shuffles go through the repartition topics, and the counts the
// output topic ends with are the truth. When one stops, the other takes
// its partitions and restores their state from the changelog: the counts
// of the words produced after go on from the right totals.
func TestClusterTwoMembers(t *testing.T) {
	const parts = 4
	brokers := clusterKafka(t, parts)
	lines := wcLines(0, 200)
	produceLines(t, brokers, parts, lines)

	a := startWordCount(t, brokers, nil)
	a.untilOwns(t, "[0 1 2 3]")
	b := startWordCount(t, brokers, nil)
	untilSplit(t, a, b)
	untilCounts(t, brokers, wordCounts(lines), 20*time.Second, a, b)
	for _, m := range []*wcMember{a, b} {
		// The only batches aborted are those a rebalance fenced.
		if got := m.log.last("aborted"); got != "" && !strings.Contains(got, "ILLEGAL_GENERATION") {
			t.Errorf("a batch was aborted: %q", got)
		}
	}

	b.ssc.Stop(true)
	more := wcLines(200, 300)
	produceLines(t, brokers, parts, more)
	a.untilOwns(t, "[0 1 2 3]")
	untilCounts(t, brokers, wordCounts(append(lines, more...)), 20*time.Second, a)
	if got := a.log.last("restored partition 3 of UpdateStateByKey"); got == "" {
		t.Error("the member that gained partition 3 did not log its restore")
	}
	// The consumed repartition records are purged once committed.
	_, n := readCounts(t, brokers, "counts")
	if n == 0 {
		t.Error("the output topic is empty")
	}
}

// A member whose batch was begun under a generation the group has left
// behind (a rebalance completed while it ran) is fenced: its commit fails,
// its transaction is aborted, and the records are processed again by the
// new owners: nothing is lost or doubled.
func TestClusterFencedCommit(t *testing.T) {
	const parts = 2
	brokers := clusterKafka(t, parts)
	lines := wcLines(0, 50)
	produceLines(t, brokers, parts, lines)

	hold := make(chan struct{})
	var once sync.Once
	entered := make(chan struct{})
	var armed sync.Mutex
	arm := false
	a := startWordCount(t, brokers, func(r *RDD) {
		armed.Lock()
		on := arm
		armed.Unlock()
		if on {
			once.Do(func() { close(entered); <-hold })
		}
	})
	a.untilOwns(t, "[0 1]")
	armed.Lock()
	arm = true
	armed.Unlock()
	done := make(chan error, 1)
	go func() { done <- a.ssc.Advance(time.Second) }()
	<-entered
	// While a's batch runs, b joins: the group moves to a new generation.
	b := startWordCount(t, brokers, nil)
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(b.log.last("owns partitions"), "owns partitions [0]") && !strings.Contains(b.log.last("owns partitions"), "owns partitions [1]") {
		if time.Now().After(deadline) {
			t.Fatalf("b's assignment: %q", b.log.last("owns partitions"))
		}
		b.advance(t)
	}
	close(hold)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := a.log.last("aborted batch"); !strings.Contains(got, "generation") {
		t.Fatalf("a's batch across the rebalance: %q, want it aborted naming the generation", got)
	}
	untilCounts(t, brokers, wordCounts(lines), 20*time.Second, a, b)
}

// untilSplit advances both members until each owns half the partitions.
func untilSplit(t *testing.T, a, b *wcMember) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		la, lb := a.log.last("owns partitions"), b.log.last("owns partitions")
		if strings.Count(la, " ") == strings.Count(lb, " ") && !strings.HasSuffix(la, "[]") && !strings.Contains(la, "[0 1 2 3]") && !strings.Contains(lb, "[0 1 2 3]") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the partitions were not split: %q, %q", la, lb)
		}
		a.advance(t)
		b.advance(t)
	}
}

func createTopic(t *testing.T, brokers, topic string, parts int) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(brokers, ",")...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if _, err := kadm.NewClient(cl).CreateTopic(context.Background(), int32(parts), -1, nil, topic); err != nil {
		t.Fatal(err)
	}
}

// A member's RDDs hold its own partitions only, and a Repartition between
// members delivers every record once: the members together see each line
// of the input once, before and after the shuffle.
func TestClusterOwnPartitions(t *testing.T) {
	const parts = 2
	brokers := clusterKafka(t, parts)
	dir := t.TempDir()
	var lines []string
	for i := 0; i < 40; i++ {
		lines = append(lines, fmt.Sprintf("line%d", i))
	}
	type seen struct {
		mu            sync.Mutex
		input, shuffl map[string]int
		foreign       []string
	}
	start := func(s *seen) *wcMember {
		log := &logLines{t: t}
		ssc := NewStreamingContext("kafka://"+brokers+"/own?session=2s", "own", time.Second, WithManualClock(), WithBatchLog(log))
		in := ssc.KafkaStream(Kafka{Brokers: []string{brokers}}, []string{"lines"}, StartingOffsets(Earliest))
		in.ForeachRDD(func(r *RDD) {
			for p, part := range r.Partitions() {
				for _, x := range part {
					rec := x.(KafkaRecord)
					s.mu.Lock()
					s.input[rec.Value]++
					if int(rec.Partition) != p {
						s.foreign = append(s.foreign, rec.Value)
					}
					s.mu.Unlock()
				}
			}
		})
		values := in.Map(func(r KafkaRecord) string { return r.Value })
		values.SaveAsTextFiles(filepath.Join(dir, "out"), "")
		values.Repartition(3).ForeachRDD(func(r *RDD) {
			for _, x := range r.Collect() {
				s.mu.Lock()
				s.shuffl[x.(string)]++
				s.mu.Unlock()
			}
		})
		if err := ssc.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ssc.Stop(false) })
		return &wcMember{ssc, log}
	}
	sa := &seen{input: map[string]int{}, shuffl: map[string]int{}}
	sb := &seen{input: map[string]int{}, shuffl: map[string]int{}}
	a := start(sa)
	a.untilOwns(t, "[0 1]")
	b := start(sb)
	untilSplit(t, a, b)
	produceLines(t, brokers, parts, lines)
	deadline := time.Now().Add(20 * time.Second)
	total := func(f func(*seen) map[string]int) map[string]int {
		out := map[string]int{}
		for _, s := range []*seen{sa, sb} {
			s.mu.Lock()
			for k, v := range f(s) {
				out[k] += v
			}
			s.mu.Unlock()
		}
		return out
	}
	want := map[string]int{}
	for _, l := range lines {
		want[l] = 1
	}
	for !maps.Equal(total(func(s *seen) map[string]int { return s.shuffl }), want) {
		if time.Now().After(deadline) {
			t.Fatalf("after the shuffle the members saw %v", total(func(s *seen) map[string]int { return s.shuffl }))
		}
		a.advance(t)
		b.advance(t)
	}
	if got := total(func(s *seen) map[string]int { return s.input }); !maps.Equal(got, want) {
		t.Errorf("the members' input RDDs held %v", got)
	}
	// The members wrote their part files into the same batch directories:
	// every line is in one of them, once.
	files, _ := filepath.Glob(filepath.Join(dir, "out-*", "part-*"))
	inFiles := map[string]int{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Fields(string(data)) {
			inFiles[l]++
		}
	}
	if !maps.Equal(inFiles, want) {
		t.Errorf("the part files hold %v", inFiles)
	}
	if len(sa.input) == 0 || len(sb.input) == 0 {
		t.Errorf("a member read nothing: %v, %v", sa.input, sb.input)
	}
	if len(sa.foreign)+len(sb.foreign) > 0 {
		t.Errorf("records in the RDD partition of another input partition: %v %v", sa.foreign, sb.foreign)
	}
}
