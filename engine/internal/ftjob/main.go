// Command ftjob is the job the fault-tolerance tests kill with SIGKILL and
// restart: a running word count kept by UpdateStateByKey and saved every
// batch with SaveAsTextFiles, recovered with GetOrCreate. The same file runs
// compiled and under `gostream run`.
//
// Its clock is manual, advanced one 100 ms batch at a time, so batch times
// are the same on every run and after every restart:
//
//	ftjob -mode file -ckpt DIR -in DIR -out PREFIX -files N
//	    reads TextFileStream(in) and RateStream(50); before each batch it
//	    writes the next of N input files (if a previous run has not),
//	    stamped with the clock's time, and it stops once the last file's
//	    batch is done.
//	ftjob -mode socket -ckpt DIR -addr HOST:PORT -out PREFIX -words N
//	    reads SocketTextStream (its write-ahead log on, as the context
//	    checkpoints) and stops gracefully once the counts add up to N words.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gostream/gostream/engine"
)

func main() {
	mode := flag.String("mode", "file", "input: file or socket")
	ckpt := flag.String("ckpt", "", "checkpoint directory")
	in := flag.String("in", "", "input directory (file mode)")
	addr := flag.String("addr", "", "server host:port (socket mode)")
	out := flag.String("out", "", "output prefix")
	files := flag.Int("files", 20, "input files to write (file mode)")
	words := flag.Int("words", 0, "words to wait for (socket mode)")
	pace := flag.Duration("pace", 20*time.Millisecond, "real time between batches")
	flag.Parse()

	batch := engine.Milliseconds(100)
	var mu sync.Mutex
	total := 0
	create := func() *engine.StreamingContext {
		ssc := engine.NewStreamingContext("local[2]", "ftjob", batch, engine.WithManualClock(), engine.WithBatchLog(nil))
		var lines *engine.DStream
		if *mode == "socket" {
			host, port, err := net.SplitHostPort(*addr)
			if err != nil {
				fail(err)
			}
			p, _ := strconv.Atoi(port)
			lines = ssc.SocketTextStream(host, p, engine.RestartDelay(engine.Milliseconds(20)))
		} else {
			// RateStream's lines depend only on the batch time: it must
			// resume where it was too.
			lines = ssc.TextFileStream(*in).Union(ssc.RateStream(50))
		}
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
		counts.Checkpoint(engine.Milliseconds(500))
		counts.SaveAsTextFiles(*out, "")
		counts.ForeachRDD(func(r *engine.RDD) {
			n := 0
			for _, x := range r.Collect() {
				n += x.(engine.Pair).Value.(int)
			}
			mu.Lock()
			total = n
			mu.Unlock()
		})
		return ssc
	}
	ssc := engine.GetOrCreate(*ckpt, create)
	if err := ssc.Start(); err != nil {
		fail(err)
	}
	fmt.Printf("started at %d recovered %v\n", ssc.Now().Milliseconds(), ssc.Recovered())
	for {
		now := ssc.Now().Milliseconds()
		if *mode == "socket" {
			mu.Lock()
			done := total >= *words
			mu.Unlock()
			if done {
				break
			}
		} else {
			step := int(now / 100)
			if step > *files+1 {
				break
			}
			if step >= 1 && step <= *files {
				writeInput(*in, step, now)
			}
		}
		time.Sleep(*pace)
		if err := ssc.Advance(batch); err != nil {
			fail(err)
		}
	}
	ssc.Stop(true)
	if err := ssc.Err(); err != nil {
		fail(err)
	}
	fmt.Printf("done at %d\n", ssc.Now().Milliseconds())
}

// writeInput writes input file step, unless it exists: ten lines of
// RateLine text, its modification time the clock's time, moved in whole.
func writeInput(dir string, step int, now int64) {
	name := filepath.Join(dir, fmt.Sprintf("in-%04d.txt", step))
	if _, err := os.Stat(name); err == nil {
		return
	}
	var b strings.Builder
	for i := 0; i < 10; i++ {
		b.WriteString(engine.RateLine(int64(step*10 + i)))
		b.WriteString("\n")
	}
	tmp := filepath.Join(dir, fmt.Sprintf(".in-%04d.txt", step))
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
		fail(err)
	}
	mt := time.UnixMilli(now)
	if err := os.Chtimes(tmp, mt, mt); err != nil {
		fail(err)
	}
	if err := os.Rename(tmp, name); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "ftjob:", err)
	os.Exit(1)
}
