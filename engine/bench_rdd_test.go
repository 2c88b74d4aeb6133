package engine_test

import (
	"fmt"
	"math/rand"
	"sort"
	"testing"
	"time"

	"github.com/gostream/gostream/engine"
)

// SortByKey and Top(10) over 1,000,000 (string, int) pairs in 2 partitions,
// against a hand-written sort of the same pairs timed in the same run:
//
//	go test -run '^$' -bench 'SortByKey|Top10' -benchtime 3x ./engine/
//
// The metric x-handwritten is gostream's time over the hand-written one.

const benchPairs = 1000000

func benchPairData() ([]any, []struct {
	k string
	v int
}) {
	rng := rand.New(rand.NewSource(1))
	elems := make([]any, benchPairs)
	plain := make([]struct {
		k string
		v int
	}, benchPairs)
	for i := range elems {
		k := fmt.Sprintf("w%07d", rng.Intn(benchPairs))
		elems[i] = engine.KV(k, i)
		plain[i].k, plain[i].v = k, i
	}
	return elems, plain
}

func BenchmarkSortByKey(b *testing.B) {
	elems, plain := benchPairData()
	ssc := engine.NewStreamingContext("local[2]", "bench", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
	var ours, hand time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		out := ssc.Parallelize(elems, 2).SortByKey(true).Collect()
		ours += time.Since(start)
		if len(out) != benchPairs {
			b.Fatalf("%d pairs out", len(out))
		}
		start = time.Now()
		xs := append(plain[:0:0], plain...)
		sort.SliceStable(xs, func(i, j int) bool { return xs[i].k < xs[j].k })
		hand += time.Since(start)
		if out[0].(engine.Pair).Key != xs[0].k {
			b.Fatalf("first key %v, hand-written %v", out[0], xs[0].k)
		}
	}
	b.ReportMetric(float64(benchPairs)*float64(b.N)/ours.Seconds(), "pairs/s")
	b.ReportMetric(ours.Seconds()/hand.Seconds(), "x-handwritten")
}

func BenchmarkTop10(b *testing.B) {
	elems, plain := benchPairData()
	ssc := engine.NewStreamingContext("local[2]", "bench", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
	rdd := ssc.Parallelize(elems, 2)
	byValue := engine.Ordering(func(a, b engine.Pair) bool { return a.Value.(int) < b.Value.(int) })
	var ours, oursOrdering, hand time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		top := rdd.Top(10)
		ours += time.Since(start)
		start = time.Now()
		topByValue := rdd.Top(10, byValue)
		oursOrdering += time.Since(start)
		start = time.Now()
		xs := append(plain[:0:0], plain...)
		sort.Slice(xs, func(i, j int) bool {
			if xs[i].k != xs[j].k {
				return xs[i].k > xs[j].k
			}
			return xs[i].v > xs[j].v
		})
		hand += time.Since(start)
		if len(top) != 10 || top[0].(engine.Pair).Key != xs[0].k || topByValue[0].(engine.Pair).Value != benchPairs-1 {
			b.Fatalf("top %v, byValue %v, hand-written %v", top[0], topByValue[0], xs[0])
		}
	}
	b.ReportMetric(float64(benchPairs)*float64(b.N)/ours.Seconds(), "pairs/s")
	b.ReportMetric(ours.Seconds()/hand.Seconds(), "x-handwritten")
	b.ReportMetric(oursOrdering.Seconds()/hand.Seconds(), "x-handwritten-ordering")
}
