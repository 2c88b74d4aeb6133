package cluster

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gostream/gostream/engine/internal/codec"
	"github.com/gostream/gostream/engine/internal/shuffle"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

type pair struct{ Key, Value any }

type ms int64

// testKafka starts a cluster with topic "in" of two partitions.
func testKafka(t *testing.T) string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(0), kfake.SeedTopics(2, "in"),
		kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(2), kfake.GroupMinSessionTimeout(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return strings.Join(c.ListenAddrs(), ",")
}

// produce writes values to partition p of "in".
func produce(t *testing.T, brokers string, p int32, values ...string) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(brokers, ",")...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for _, v := range values {
		if err := cl.ProduceSync(context.Background(), &kgo.Record{Topic: "in", Partition: p, Value: []byte(v)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
}

// startJob joins the job "app" and waits until it owns both partitions.
func startJob(t *testing.T, brokers string) (*Job[pair, ms], *[]string) {
	t.Helper()
	m, err := ParseMaster("kafka://" + brokers + "/app?session=1s")
	if err != nil {
		t.Fatal(err)
	}
	lines := new([]string)
	j, first, err := Start(JobConfig[pair, ms]{Master: m, Topics: []string{"in", "in"}, Streams: []Stream{{Op: "KafkaStream", Parent: -1}, {Op: "ReduceByKey(sum)"}, {Op: "UpdateStateByKey", Stateful: true}, {Op: "MapWithState", Stateful: true}, {Op: "Window", Window: 300}}, Interval: 100 * time.Millisecond,
		Codec: Codec[pair, ms]{Elems: &codec.Codec[pair, ms]{}, Format: func(x any) string { return fmt.Sprint(x) }},
		Log:   func(line string) { *lines = append(*lines, line) }}, 1000, func() int64 { return 1000 })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(j.Close)
	if j.Parts() != 2 || first <= j.Zero() || (first-j.Zero())%100 != 0 {
		t.Fatalf("got %d partitions, first batch %d after zero %d; want 2, a batch boundary after zero", j.Parts(), first, j.Zero())
	}
	deadline := time.Now().Add(20 * time.Second)
	for len(j.km.Assignment().Partitions) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("the member owns %v, want both partitions", j.km.Assignment().Partitions)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return j, lines
}

func checkCut(t *testing.T, j *Job[pair, ms], wantFrom, wantUntil []int64) {
	t.Helper()
	from, until := j.Cut("in", true, 0)
	if !slices.Equal(from, wantFrom) || !slices.Equal(until, wantUntil) {
		t.Fatalf("Cut: got from %v until %v, want from %v until %v", from, until, wantFrom, wantUntil)
	}
}

func TestJobBatchesCommitPositions(t *testing.T) {
	brokers := testKafka(t)
	produce(t, brokers, 0, "a", "b", "c")
	produce(t, brokers, 1, "d", "e")
	j, _ := startJob(t, brokers)
	if moved := j.Begin(1100); !moved {
		t.Fatal("the first batch's tasks: got moved false, want true")
	}
	if !j.Owns(0) || !j.Owns(3) || !j.InBatch() || !j.Healthy() {
		t.Fatal("the member should own every partition of an open, healthy batch")
	}
	checkCut(t, j, []int64{0, 0}, []int64{3, 2})
	if moved := j.End(1100, nil); moved {
		t.Fatal("a committed batch: got moved true")
	}
	if j.InBatch() {
		t.Fatal("InBatch after End: got true")
	}

	// The positions carry over to the next batch; a failed batch is
	// aborted and the next one reads again from what was committed.
	produce(t, brokers, 0, "f")
	if moved := j.Begin(1200); moved {
		t.Fatal("the same assignment: got moved true")
	}
	checkCut(t, j, []int64{3, 2}, []int64{4, 2})
	j.Fail(errors.New("boom"))
	if j.Healthy() {
		t.Fatal("Healthy after Fail: got true")
	}
	j.End(1200, nil)
	if moved := j.Begin(1300); !moved {
		t.Fatal("after an aborted batch: got moved false, want true")
	}
	checkCut(t, j, []int64{3, 2}, []int64{4, 2})
	if j.End(1300, errors.New("an output failed")); !j.Begin(1400) {
		t.Fatal("after a batch whose output failed: got moved false, want true")
	}
	checkCut(t, j, []int64{3, 2}, []int64{4, 2})
	j.End(1400, nil)
	j.Close()

	// Another member starts from the committed positions, and limit
	// caps a range.
	j2, _ := startJob(t, brokers)
	produce(t, brokers, 1, "g", "h")
	j2.Begin(1500)
	from, until := j2.Cut("in", false, 1)
	if !slices.Equal(from, []int64{4, 2}) || !slices.Equal(until, []int64{4, 3}) {
		t.Fatalf("Cut with limit 1: got from %v until %v, want [4 2] until [4 3]", from, until)
	}
	j2.End(1500, nil)
}

func TestJobNamesShuffles(t *testing.T) {
	j, _ := startJob(t, testKafka(t))
	prev := j.Enter(1)
	if id := j.ShuffleID(); id != "" {
		t.Fatalf("outside a batch: got shuffle id %q, want none", id)
	}
	for _, batch := range []int64{1100, 1200} {
		j.Begin(batch)
		for _, want := range []string{"ReduceByKey-1", "ReduceByKey-1.1", "ReduceByKey-1.2"} {
			if id := j.ShuffleID(); id != want {
				t.Fatalf("batch %d: got shuffle id %q, want %q", batch, id, want)
			}
		}
		j.End(batch, nil)
	}
	j.Leave(prev)
	j.Begin(1300)
	if id := j.ShuffleID(); id != "" {
		t.Fatalf("outside any stream: got shuffle id %q, want none", id)
	}
	inner := j.Enter(0)
	if id := j.ShuffleID(); id != "KafkaStream-0" {
		t.Fatalf("got %q, want KafkaStream-0", id)
	}
	j.Leave(inner)
	j.End(1300, nil)
}

func TestJobShuffleReducesCompleteBatches(t *testing.T) {
	brokers := testKafka(t)
	j, _ := startJob(t, brokers)
	agg := &shuffle.Aggregator{Create: func(v any) any { return v }, Merge: func(a, v any) any { return a.(int) + v.(int) }, Combine: func(a, b any) any { return a.(int) + b.(int) }}
	table := func(kvs ...any) *shuffle.Table {
		tb := shuffle.NewTable(agg)
		for i := 0; i < len(kvs); i += 2 {
			tb.Add(kvs[i], kvs[i+1])
		}
		return tb
	}
	got := func(tables []*shuffle.Table) string {
		var s []string
		for _, tb := range tables {
			var b strings.Builder
			for i := range tb.Len() {
				fmt.Fprintf(&b, "%v=%v ", tb.Key(i), tb.Acc(i))
			}
			s = append(s, strings.TrimSpace(b.String()))
		}
		return strings.Join(s, " | ")
	}
	write := func(t0 int64, q int, tb *shuffle.Table) *Shuffle[pair, ms] {
		t.Helper()
		sh, err := j.Shuffle("s-1", 2)
		if err != nil {
			t.Fatal(err)
		}
		if err := sh.Write(t0, 0, q, tb, false); err != nil {
			t.Fatal(err)
		}
		return sh
	}
	j.Begin(1100)
	sh := write(1100, 0, table("a", 1, "b", 2))
	if sh.Topic != "app-s-1-repartition" {
		t.Fatalf("the repartition topic: got %q", sh.Topic)
	}
	tables, err := sh.Reduce(0, 1, agg, false)
	if err != nil || len(tables) != 0 {
		t.Fatalf("reducing the batch's own map output: got %q, %v; want nothing (not committed yet)", got(tables), err)
	}
	j.End(1100, nil)

	j.Begin(1200)
	sh = write(1200, 0, table("a", 5))
	if tables, err = sh.Reduce(0, 1, agg, false); err != nil || got(tables) != "a=1 b=2" {
		t.Fatalf("batch 1200 reduces 1100: got %q, %v", got(tables), err)
	}
	if _, err := sh.Reduce(0, 2, agg, false); err == nil || !strings.Contains(err.Error(), "reading partition 0 of app-s-1-repartition: the shuffle has 2 map tasks on this member and 1 in what it read") {
		t.Fatalf("a reduce with another number of map tasks: got %v", err)
	}
	j.End(1200, nil)

	// An aborted batch's map output is never reduced; after the abort the
	// reduce side reads again from its committed position.
	j.Begin(1300)
	sh = write(1300, 0, table("z", 9))
	j.Fail(errors.New("boom"))
	j.End(1300, nil)
	j.Begin(1400)
	sh = write(1400, 0, table("c", 3))
	if tables, err = sh.Reduce(0, 1, agg, true); err != nil || got(tables) != "a=5" {
		t.Fatalf("batch 1400 after an abort: got %q, %v; want a=5", got(tables), err)
	}
	j.End(1400, nil)
	j.Begin(1500)
	sh = write(1500, 0, table())
	if tables, err = sh.Reduce(0, 1, agg, false); err != nil || got(tables) != "c=3" {
		t.Fatalf("batch 1500: got %q, %v; want c=3", got(tables), err)
	}
	j.End(1500, nil)
}

func TestJobStateRestoresFromChangelog(t *testing.T) {
	brokers := testKafka(t)
	j, lines := startJob(t, brokers)
	restore := Restore[[]any]{
		Initial:     func() [][]any { return [][]any{{pair{"i", 0}}, nil} },
		FromInitial: func(pairs []any) []any { return pairs },
		FromPairs:   func(pairs []any) ([]any, error) { return pairs, nil },
		Image:       true,
	}
	open := func(j *Job[pair, ms]) *State[pair, ms, []any] {
		t.Helper()
		s, err := OpenState[pair, ms, []any](j, "St-2", "St", 2)
		if err != nil {
			t.Fatal(err)
		}
		s.Load(restore)
		return s
	}
	j.Begin(1100)
	s := open(j)
	if held, ok := s.Held(0); !ok || !s.Holds(0) || fmt.Sprint(held) != "[{i 0}]" {
		t.Fatalf("partition 0 takes its initial state: got %v, %v", held, ok)
	}
	if held, ok := s.Held(1); !ok || len(held) != 0 || held == nil {
		t.Fatalf("partition 1 takes an empty initial state: got %#v, %v", held, ok)
	}
	for q, part := range [][]any{{pair{"a", 1}, pair{"b", 2}}, {pair{"c", 3}}} {
		if err := s.WritePairs(q, part, part); err != nil {
			t.Fatal(err)
		}
	}
	j.End(1100, nil)
	j.Begin(1200)
	s = open(j)
	if err := s.WritePairs(0, []any{pair{"b", 20}}, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.WritePairs(1, []any{pair{"c", make(chan int)}}, nil); err == nil || !strings.Contains(err.Error(), "the state of key c cannot be written to the changelog") {
		t.Fatalf("a state the codec cannot encode: got %v", err)
	}
	j.End(1200, nil)
	j.Close()
	if !slices.ContainsFunc(*lines, func(l string) bool {
		return strings.HasPrefix(l, "cluster app: member ") && strings.HasSuffix(l, " partition 0 of St takes its initial state (1 keys)")
	}) {
		t.Fatalf("the log: got %q", *lines)
	}

	j2, lines2 := startJob(t, brokers)
	j2.Begin(1300)
	s = open(j2)
	for q, want := range []string{"[{b 20}]", "[{c 3}]"} {
		if held, ok := s.Held(q); !ok || fmt.Sprint(held) != want {
			t.Fatalf("partition %d restored: got %v, %v; want %s", q, held, ok, want)
		}
	}
	if !slices.ContainsFunc(*lines2, func(l string) bool { return strings.HasSuffix(l, " restored partition 1 of St (1 keys)") }) {
		t.Fatalf("the log: got %q", *lines2)
	}
	j2.End(1300, nil)
}
