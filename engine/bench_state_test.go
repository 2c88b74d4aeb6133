package engine

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// The state benchmarks run a stateful word count over RateStream with the
// manual clock, one batch per iteration: a large state touched lightly
// (100,000 keys, 1,000 lines a batch) and a small state touched heavily
// (the vocabulary's keys, 20,000 lines a batch).

func benchStateInitial(ssc *StreamingContext, keys int) *RDD {
	initial := make([]any, keys)
	for i := range initial {
		initial[i] = KV(fmt.Sprintf("key-%06d", i), i)
	}
	return ssc.Parallelize(initial)
}

func runStateBench(b *testing.B, ssc *StreamingContext, out *DStream) {
	b.Helper()
	out.ForeachRDD(func(r *RDD) { r.Count() })
	if err := ssc.Start(); err != nil {
		b.Fatal(err)
	}
	defer ssc.Stop(false)
	if err := ssc.Advance(Seconds(1)); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := ssc.Advance(Seconds(1)); err != nil {
			b.Fatal(err)
		}
	}
}

func sumUpdate(vs []int, s *int) *int {
	n := 0
	if s != nil {
		n = *s
	}
	for _, v := range vs {
		n += v
	}
	return &n
}

func countMapping(k string, v *int, s *State) int {
	n := 0
	if s.Exists() {
		n = s.Get().(int)
	}
	if v != nil {
		n += *v
	}
	s.Update(n)
	return n
}

func BenchmarkUpdateStateByKey(b *testing.B) {
	for _, c := range []struct {
		name        string
		keys, lines int
	}{{"large-state", 100_000, 1000}, {"many-records", 0, 20_000}} {
		b.Run(c.name, func(b *testing.B) {
			ssc := NewStreamingContext("local[2]", "state-bench", Seconds(1), WithManualClock(), WithBatchLog(nil))
			var opts []OpOption
			if c.keys > 0 {
				opts = append(opts, InitialState(benchStateInitial(ssc, c.keys)))
			}
			out := ssc.RateStream(c.lines).FlatMap(strings.Fields).Map(WithOne).UpdateStateByKey(sumUpdate, opts...)
			runStateBench(b, ssc, out)
		})
	}
}

func BenchmarkMapWithState(b *testing.B) {
	for _, c := range []struct {
		name        string
		keys, lines int
		timeout     bool
	}{{"large-state", 100_000, 1000, false}, {"many-records", 0, 20_000, false}, {"large-state-timeout", 100_000, 1000, true}} {
		b.Run(c.name, func(b *testing.B) {
			ssc := NewStreamingContext("local[2]", "state-bench", Seconds(1), WithManualClock(), WithBatchLog(nil))
			spec := StateSpecFunc(countMapping)
			if c.keys > 0 {
				spec = spec.InitialState(benchStateInitial(ssc, c.keys))
			}
			if c.timeout {
				spec = spec.Timeout(time.Hour) // every key checked, none times out
			}
			out := ssc.RateStream(c.lines).FlatMap(strings.Fields).Map(WithOne).MapWithState(spec)
			runStateBench(b, ssc, out.DStream)
		})
	}
}

func BenchmarkRepartition(b *testing.B) {
	ssc := NewStreamingContext("local[2]", "state-bench", Seconds(1), WithManualClock(), WithBatchLog(nil))
	out := ssc.RateStream(20_000).FlatMap(strings.Fields).Repartition(3)
	runStateBench(b, ssc, out)
}

// BenchmarkWindowState is the incremental window on its generic path (a
// reduce function on any values) over a large window: 100,000 keys in the
// window from its first batch, then 1,000 records a batch on local[2], a
// 10-batch window sliding by one.
func BenchmarkWindowState(b *testing.B) {
	ssc := NewStreamingContext("local[2]", "window-bench", Seconds(1), WithManualClock(), WithBatchLog(nil))
	q := NewQueue()
	initial := make([]any, 100_000)
	for i := range initial {
		initial[i] = KV(fmt.Sprintf("key-%06d", i), 1)
	}
	q.Push(initial...)
	add := func(a, b any) any { return a.(int) + b.(int) }
	sub := func(a, b any) any { return a.(int) - b.(int) }
	out := ssc.QueueStream(q, true).ReduceByKeyAndWindow(add, 10*time.Second, time.Second, Inverse(sub))
	for i := 0; i < b.N+1; i++ {
		batch := make([]any, 1000)
		for j := range batch {
			batch[j] = KV(fmt.Sprintf("key-%06d", (i*7919+j*31)%150_000), 1)
		}
		q.Push(batch...)
	}
	runStateBench(b, ssc, out)
}
