// Command rssjob is the program BenchmarkTextFileStreamRSS measures: it
// moves one file into a watched directory, runs the batch that takes it
// through a count or a word count, and prints the records it saw and its
// peak resident set size (VmHWM), so the benchmark can relate memory to
// the file's size.
//
//	rssjob -file PATH -in DIR [-pipeline count|wordcount]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gostream/gostream/engine"
)

func main() {
	file := flag.String("file", "", "the file to move in")
	in := flag.String("in", "", "the watched directory")
	pipeline := flag.String("pipeline", "count", "count or wordcount")
	flag.Parse()
	ssc := engine.NewStreamingContext("local[2]", "rssjob", time.Second, engine.WithManualClock(), engine.WithBatchLog(nil))
	lines := ssc.TextFileStream(*in)
	var records, words int64
	switch *pipeline {
	case "count":
		lines.ForeachRDD(func(r *engine.RDD) { records += int64(r.Count()) })
	case "wordcount":
		lines.FlatMap(strings.Fields).Map(engine.WithOne).ReduceByKey(engine.Sum).ForeachRDD(func(r *engine.RDD) {
			for _, x := range r.Collect() {
				words += int64(x.(engine.Pair).Value.(int))
			}
		})
	default:
		fail(fmt.Errorf("unknown pipeline %q", *pipeline))
	}
	if err := ssc.Start(); err != nil {
		fail(err)
	}
	if err := ssc.Advance(time.Second); err != nil {
		fail(err)
	}
	// Moved in, stamped with the clock's time: the next batch takes it.
	mt := time.UnixMilli(ssc.Now().Milliseconds())
	if err := os.Chtimes(*file, mt, mt); err != nil {
		fail(err)
	}
	if err := os.Rename(*file, filepath.Join(*in, filepath.Base(*file))); err != nil {
		fail(err)
	}
	if err := ssc.Advance(time.Second); err != nil {
		fail(err)
	}
	ssc.Stop(false)
	fmt.Printf("records %d words %d peak-rss-kb %d\n", records, words, peakRSS())
}

// peakRSS returns VmHWM from /proc/self/status, in KiB.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		fail(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var kb int64
		if n, _ := fmt.Sscanf(sc.Text(), "VmHWM: %d kB", &kb); n == 1 {
			return kb
		}
	}
	fail(fmt.Errorf("no VmHWM in /proc/self/status"))
	return 0
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "rssjob:", err)
	os.Exit(1)
}
