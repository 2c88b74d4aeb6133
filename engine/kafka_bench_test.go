package engine_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gostream/gostream/engine"
)

// BenchmarkKafkaWordCount reads the same preloaded topic (two partitions)
// through a word count on local[2] and with a hand-written franz-go consumer
// counting the same words, in the same run, and reports both rates and
// their ratio (engine/hand-written).
func BenchmarkKafkaWordCount(b *testing.B) {
	const n = 200_000
	c := kafkaCluster(b, "-partitions", "2")
	brokers := strings.Split(c.Bootstrap, ",")
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.AllowAutoTopicCreation(), kgo.RecordPartitioner(kgo.RoundRobinPartitioner()))
	if err != nil {
		b.Fatal(err)
	}
	var recs []*kgo.Record
	for i := 0; i < n; i++ {
		recs = append(recs, &kgo.Record{Topic: "bench", Value: []byte(engine.RateLine(int64(i)))})
	}
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		b.Fatal(err)
	}
	cl.Close()
	var engineTime, handTime time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		ssc := engine.NewStreamingContext("local[2]", "bench", time.Second, engine.WithManualClock(), engine.WithBatchLog(nil))
		words := 0
		ssc.KafkaStream(engine.Kafka{Brokers: brokers}, []string{"bench"}, engine.StartingOffsets(engine.Earliest)).
			Map(func(r engine.KafkaRecord) string { return r.Value }).
			FlatMap(strings.Fields).Map(engine.WithOne).ReduceByKey(engine.Sum).
			ForeachRDD(func(rdd *engine.RDD) {
				for _, p := range rdd.Collect() {
					words += p.(engine.Pair).Value.(int)
				}
			})
		ssc.Start()
		if err := ssc.Advance(time.Second); err != nil {
			b.Fatal(err)
		}
		ssc.Stop(false)
		engineTime += time.Since(start)

		start = time.Now()
		hand := handCount(b, brokers, n)
		handTime += time.Since(start)
		if words != hand || words == 0 {
			b.Fatalf("engine counted %d words, the hand-written consumer %d", words, hand)
		}
	}
	b.StopTimer()
	er := float64(n*b.N) / engineTime.Seconds()
	hr := float64(n*b.N) / handTime.Seconds()
	b.ReportMetric(er, "engine-records/s")
	b.ReportMetric(hr, "franzgo-records/s")
	b.ReportMetric(er/hr, "ratio")
}

// handCount is the hand-written baseline: a franz-go consumer reading the
// topic from its start and counting words in a map.
func handCount(b *testing.B, brokers []string, n int) int {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics("bench"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	counts := map[string]int{}
	seen := 0
	for seen < n {
		fs := cl.PollFetches(context.Background())
		if err := fs.Err(); err != nil {
			b.Fatal(err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			seen++
			for _, w := range strings.Fields(string(r.Value)) {
				counts[w]++
			}
		})
	}
	total := 0
	for _, v := range counts {
		total += v
	}
	return total
}
