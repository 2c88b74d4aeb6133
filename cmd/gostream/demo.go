package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gostream/gostream/engine"
)

// runDemo runs the built-in streaming word count: lines from RateStream,
// counted per batch, the most frequent words printed every batch.
func runDemo(args []string) int {
	fs := flag.NewFlagSet("gostream demo", flag.ContinueOnError)
	batches := fs.Int("batches", 5, "stop after this many batches (0: run until interrupted)")
	rate := fs.Int("rate", 2000, "lines per second from the built-in source")
	interval := fs.Duration("interval", time.Second, "batch interval")
	top := fs.Int("top", 10, "words to print per batch")
	master := fs.String("master", "local[2]", "local, local[N] or local[*]")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "usage: gostream demo [flags]\n\nA streaming word count over the built-in RateStream source.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0 // -h asked for the usage, as Go's flag package exits
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "gostream demo: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}

	ssc := engine.NewStreamingContext(*master, "WordCount", *interval)
	lines := ssc.RateStream(*rate)
	counts := lines.FlatMap(strings.Fields).Map(engine.WithOne).ReduceByKey(engine.Sum)
	byCount := counts.Transform(func(rdd *engine.RDD) *engine.RDD {
		return rdd.SortBy(func(p engine.Pair) int { return p.Value.(int) }, false)
	})
	byCount.Print(*top)

	var done atomic.Int64
	stop := make(chan struct{})
	ssc.AddStreamingListener(engine.OnBatchCompleted(func(engine.BatchInfo) {
		if n := done.Add(1); *batches > 0 && n == int64(*batches) {
			close(stop)
		}
	}))
	if err := ssc.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "gostream demo:", err)
		return 1
	}
	go func() {
		<-stop
		ssc.Stop(false)
	}()
	if err := ssc.AwaitTermination(); err != nil {
		fmt.Fprintln(os.Stderr, "gostream demo:", err)
		return 1
	}
	return 0
}
