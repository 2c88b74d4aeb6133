// The word-count pipeline of BenchmarkRunWordCount: batches of 20,000
// RateStream lines on a manual clock; it prints the lines per second of
// the batches alone (not the start-up).
package main

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/gostream/gostream/engine"
)

func main() {
	closures := flag.Bool("closures", false, "an interpreted (or compiled) closure per stage instead of library functions")
	batches := flag.Int("batches", 10, "batches to run")
	flag.Parse()
	const perBatch = 20000
	ssc := engine.NewStreamingContext("local[2]", "bench", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
	lines := ssc.RateStream(perBatch)
	var counts *engine.DStream
	if *closures {
		counts = lines.FlatMap(func(l string) []string { return strings.Fields(l) }).
			Map(func(w string) engine.Pair { return engine.KV(w, 1) }).
			ReduceByKey(func(a, b int) int { return a + b })
	} else {
		counts = lines.FlatMap(strings.Fields).Map(engine.WithOne).ReduceByKey(engine.Sum)
	}
	counts.ForeachRDD(func(r *engine.RDD) { r.Count() })
	if err := ssc.Start(); err != nil {
		panic(err)
	}
	start := time.Now()
	for i := 0; i < *batches; i++ {
		if err := ssc.Advance(engine.Seconds(1)); err != nil {
			panic(err)
		}
	}
	fmt.Printf("%.0f lines/s\n", float64(perBatch**batches)/time.Since(start).Seconds())
	ssc.Stop(false)
}
