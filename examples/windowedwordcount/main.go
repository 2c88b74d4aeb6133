// WindowedWordCount counts words over a sliding window: every slide, the
// counts of the last window of batches, most frequent first. The lines come
// from the built-in RateStream source.
//
// It runs unchanged interpreted or compiled:
//
//	gostream run examples/windowedwordcount/main.go -batches 6
//	go run ./examples/windowedwordcount -batches 6
//
// With -batches N the context runs on a manual clock for N batches and
// stops, so the output is the same on every run; without it, batches follow
// the wall clock until Ctrl-C.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/gostream/gostream/engine"
)

func main() {
	rate := flag.Int("rate", 50, "lines per second from the built-in source")
	batches := flag.Int("batches", 0, "run this many batches on a manual clock, then stop (0: wall clock, until interrupted)")
	window := flag.Int("window", 3, "window length, in seconds (batches of 1s)")
	slide := flag.Int("slide", 1, "slide, in seconds")
	top := flag.Int("top", 5, "words to print per window")
	flag.Parse()

	batch := engine.Seconds(1)
	var opts []engine.Option
	if *batches > 0 {
		opts = append(opts, engine.WithManualClock())
	}
	ssc := engine.NewStreamingContext("local[2]", "WindowedWordCount", batch, opts...)
	words := ssc.RateStream(*rate).FlatMap(strings.Fields)
	counts := words.Map(engine.WithOne).ReduceByKeyAndWindow(engine.Sum,
		engine.Seconds(int64(*window)), engine.Seconds(int64(*slide)), engine.Inverse(engine.Diff),
		engine.FilterFunc(func(p engine.Pair) bool { return p.Value.(int) > 0 }))
	sorted := counts.Transform(func(r *engine.RDD) *engine.RDD {
		return r.SortBy(func(p engine.Pair) string {
			// Most frequent first, then alphabetical.
			return fmt.Sprintf("%09d %s", 1_000_000_000-p.Value.(int), p.Key)
		}, true)
	})
	sorted.Print(*top)

	if err := ssc.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if *batches > 0 {
		for i := 0; i < *batches; i++ {
			if err := ssc.Advance(batch); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
		ssc.Stop(true)
		return
	}
	if err := ssc.AwaitTermination(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
