package engine

import (
	"maps"
	"strings"
	"sync"
	"testing"
	"time"
)

// startStateJob starts a member of job "st", which keeps a running count
// of every word four ways, each written to its own topic as (word, count):
// MapWithState and UpdateStateByKey (each with an initial count of
// "common"), an incremental
// ReduceByKeyAndWindow and a Window of the input followed by ReduceByKey,
// both windows longer than the test. A short incremental window's latest
// result on this member is kept in *short.
func startStateJob(t *testing.T, brokers string, short *shortWindow) *wcMember {
	t.Helper()
	log := &logLines{t: t}
	ssc := NewStreamingContext("kafka://"+brokers+"/st?session=2s&txn=5s", "st", time.Second, WithManualClock(), WithBatchLog(log))
	kafka := Kafka{Brokers: strings.Split(brokers, ",")}
	lines := ssc.KafkaStream(kafka, []string{"lines"}, StartingOffsets(Earliest)).
		Map(func(r KafkaRecord) string { return r.Value })
	words := lines.FlatMap(strings.Fields).Map(WithOne)

	spec := StateSpecFunc(func(w string, one *int, s *State) Pair {
		n := 0
		if s.Exists() {
			n = s.Get().(int)
		}
		n += *one
		s.Update(n)
		return KV(w, n)
	}).InitialState(ssc.Parallelize([]any{KV("common", 1000)}))
	words.MapWithState(spec).SaveToKafka(kafka, "mapped")
	words.UpdateStateByKey(func(vs []int, s *int) *int {
		n := 0
		if s != nil {
			n = *s
		}
		for _, v := range vs {
			n += v
		}
		return &n
	}, InitialState(ssc.Parallelize([]any{KV("common", 1000)}))).SaveToKafka(kafka, "updated")

	long := 1000 * time.Second
	words.ReduceByKeyAndWindow(Sum, long, time.Second, Inverse(Diff)).SaveToKafka(kafka, "incremental")
	lines.Window(long, time.Second).FlatMap(strings.Fields).Map(WithOne).ReduceByKey(Sum).SaveToKafka(kafka, "windowed")
	words.ReduceByKeyAndWindow(Sum, 2*time.Second, time.Second, Inverse(Diff), FilterFunc(func(n int) bool { return n != 0 })).
		ForeachRDD(func(r *RDD) { short.set(r.Collect()) })
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ssc.Stop(false) })
	return &wcMember{ssc, log}
}

type shortWindow struct {
	mu   sync.Mutex
	last []any
}

func (s *shortWindow) set(xs []any) {
	s.mu.Lock()
	s.last = xs
	s.mu.Unlock()
}

func (s *shortWindow) get() []any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

// untilTopics advances the members until every topic holds want (the
// last value of each key), and fails after limit.
func untilTopics(t *testing.T, brokers string, want map[string]map[string]int, limit time.Duration, ms ...*wcMember) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		for _, m := range ms {
			m.advance(t)
		}
		bad := ""
		for topic, w := range want {
			if got, _ := readCounts(t, brokers, topic); !maps.Equal(got, w) {
				bad = topic
				if time.Now().After(deadline) {
					t.Fatalf("after %v topic %s holds\n%v\nwant\n%v", limit, topic, got, w)
				}
				break
			}
		}
		if bad == "" {
			return
		}
	}
}

// The state of MapWithState and UpdateStateByKey (with their initial
// states), of an incremental
// window and of a window's batches moves with its partitions: two members
// share the job, one stops, and the other, restoring the partitions it
// gains from their changelogs, goes on from the right counts; a window
// that has slid past the input is empty everywhere.
func TestClusterStateMoves(t *testing.T) {
	const parts = 4
	brokers := clusterKafka(t, parts)
	lines := wcLines(0, 120)
	produceLines(t, brokers, parts, lines)
	want := func(lines []string) map[string]map[string]int {
		truth := wordCounts(lines)
		mapped := maps.Clone(truth)
		mapped["common"] += 1000
		return map[string]map[string]int{"mapped": mapped, "updated": mapped, "incremental": truth, "windowed": truth}
	}

	var sa, sb shortWindow
	a := startStateJob(t, brokers, &sa)
	a.untilOwns(t, "[0 1 2 3]")
	b := startStateJob(t, brokers, &sb)
	untilSplit(t, a, b)
	more := wcLines(120, 200)
	produceLines(t, brokers, parts, more)
	all := append(lines, more...)
	untilTopics(t, brokers, want(all), 30*time.Second, a, b)
	if got := a.log.last("takes its initial state"); got == "" && b.log.last("takes its initial state") == "" {
		t.Error("no member logged taking the initial state")
	}

	b.ssc.Stop(true)
	last := wcLines(200, 260)
	produceLines(t, brokers, parts, last)
	all = append(all, last...)
	a.untilOwns(t, "[0 1 2 3]")
	untilTopics(t, brokers, want(all), 30*time.Second, a)
	for _, what := range []string{"of MapWithState", "of the window store of ReduceByKeyAndWindow", "of the window store of Map"} {
		if a.log.last("restored partition") == "" || a.log.last(what) == "" {
			t.Errorf("the member that gained partitions did not log restoring %s", what)
		}
	}
	// No input for longer than the short window: its result is empty.
	for range 4 {
		a.advance(t)
	}
	if got := sa.get(); len(got) != 0 {
		t.Errorf("a window of 2 batches after 4 batches without input holds %v", got)
	}
}
