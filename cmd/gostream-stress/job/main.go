// Command job is the program gostream-stress kills and restarts: a word
// count kept by UpdateStateByKey over dir/in, checkpointed into dir/ckpt,
// its state written to dir/state after every batch (atomically, by rename,
// its first line "@ BATCHTIME") and the files each batch took printed on
// standard output with the batch log. SIGTERM stops it gracefully. It runs
// compiled, or under `gostream run`.
//
//	job -dir DIR [-batch 250ms] [-hogs N]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/gostream/gostream/engine"
)

func main() {
	if err := job(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "job:", err)
		os.Exit(1)
	}
}

func job(args []string) error {
	fs := flag.NewFlagSet("job", flag.ContinueOnError)
	dir := fs.String("dir", "", "the run's directory")
	batch := fs.Duration("batch", 250*time.Millisecond, "batch interval")
	hogs := fs.Int("hogs", 0, "goroutines spinning on the CPU")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for i := 0; i < *hogs; i++ {
		go func() {
			x := 0
			for {
				x++
			}
		}()
	}
	in := filepath.Join(*dir, "in")
	create := func() *engine.StreamingContext {
		ssc := engine.NewStreamingContext("local[2]", "stress", *batch, engine.WithBatchLog(os.Stdout))
		lines := ssc.TextFileStream(in)
		lines.ForeachRDD(func(r *engine.RDD, t engine.Time) {
			var own []string
			for _, x := range r.Collect() {
				for _, w := range strings.Fields(x.(string)) {
					if strings.HasPrefix(w, "file") {
						own = append(own, w)
					}
				}
			}
			if len(own) > 0 {
				sort.Strings(own)
				fmt.Printf("batch %s took %s\n", t, strings.Join(dedup(own), " "))
			}
		})
		counts := lines.FlatMap(strings.Fields).
			Map(func(w string) engine.Pair { return engine.KV(w, 1) }).
			UpdateStateByKey(func(vs []int, s *int) *int {
				n := 0
				if s != nil {
					n = *s
				}
				for _, v := range vs {
					n += v
				}
				return &n
			})
		counts.Checkpoint(4 * *batch)
		counts.ForeachRDD(func(r *engine.RDD, t engine.Time) {
			var b strings.Builder
			fmt.Fprintf(&b, "@ %d\n", t.Milliseconds())
			for _, x := range r.Collect() {
				p := x.(engine.Pair)
				fmt.Fprintf(&b, "%v %v\n", p.Key, p.Value)
			}
			tmp := filepath.Join(*dir, ".state.tmp")
			if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
				panic(err)
			}
			if err := os.Rename(tmp, filepath.Join(*dir, "state")); err != nil {
				panic(err)
			}
		})
		return ssc
	}
	ssc := engine.GetOrCreate(filepath.Join(*dir, "ckpt"), create)
	if err := ssc.Start(); err != nil {
		return err
	}
	fmt.Printf("started at %d recovered %v pid %d\n", time.Now().UnixMilli(), ssc.Recovered(), os.Getpid())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM)
	<-sig
	ssc.Stop(true)
	return ssc.Err()
}

func dedup(xs []string) []string {
	var out []string
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		} else {
			out[len(out)-1] += "+"
		}
	}
	return out
}
