package engine_test

// Benchmarks over the corpus of ../shared/bench, reporting records/s (lines
// per second) and the ratio of gostream's time to a hand-written Go program
// doing the same work, measured in the same run:
//
//	go test -run '^$' -bench . -benchtime 1x ./engine/
//
// The corpus and the baseline programs are built on first use into
// $TMPDIR/gostream-bench (GOSTREAM_BENCH_CACHE overrides it); the baselines
// are found in ../shared/bench beside the repository (GOSTREAM_BENCH_BASELINES
// overrides it). GOSTREAM_BENCH_LINES sets the corpus size (default
// 1,000,000 lines, ten batches of 100,000). Nothing here runs without -bench.

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gostream/gostream/engine"
)

const benchBatchLines = 100000

// benchEnv is the corpus and the baseline programs, prepared once per process.
type benchEnv struct {
	corpus string // path of the corpus file
	lines  int
	bin    string // directory holding the built baselines
	err    error
}

var (
	benchOnce sync.Once
	benchSet  benchEnv
)

// baselinesDir finds ../shared/bench from the engine package directory.
func baselinesDir() (string, error) {
	if d := os.Getenv("GOSTREAM_BENCH_BASELINES"); d != "" {
		return d, nil
	}
	for _, d := range []string{"../../shared/bench", "../shared/bench"} {
		if _, err := os.Stat(filepath.Join(d, "wordcount")); err == nil {
			return filepath.Abs(d)
		}
	}
	return "", fmt.Errorf("bench: baselines not found in ../../shared/bench; set GOSTREAM_BENCH_BASELINES")
}

// setupBench builds the corpus generator and the baselines with go build -o
// and generates the corpus, caching all of it across runs.
func setupBench(b *testing.B) *benchEnv {
	b.Helper()
	benchOnce.Do(func() {
		benchSet.err = func() error {
			src, err := baselinesDir()
			if err != nil {
				return err
			}
			cache := os.Getenv("GOSTREAM_BENCH_CACHE")
			if cache == "" {
				cache = filepath.Join(os.TempDir(), "gostream-bench")
			}
			if err := os.MkdirAll(cache, 0o755); err != nil {
				return err
			}
			lines := 1000000
			if s := os.Getenv("GOSTREAM_BENCH_LINES"); s != "" {
				if lines, err = strconv.Atoi(s); err != nil || lines <= 0 {
					return fmt.Errorf("bench: GOSTREAM_BENCH_LINES=%q: want a positive number", s)
				}
			}
			for _, prog := range []string{"corpus", "wordcount", "windowcount"} {
				cmd := exec.Command("go", "build", "-o", filepath.Join(cache, prog), "./"+prog)
				cmd.Dir = src
				if out, err := cmd.CombinedOutput(); err != nil {
					return fmt.Errorf("bench: building %s in %s: %v\n%s", prog, src, err, out)
				}
			}
			corpus := filepath.Join(cache, fmt.Sprintf("corpus-%d.txt", lines))
			if _, err := os.Stat(corpus); err != nil {
				tmp := corpus + ".tmp"
				cmd := exec.Command(filepath.Join(cache, "corpus"), "-n", strconv.Itoa(lines), "-o", tmp)
				if out, err := cmd.CombinedOutput(); err != nil {
					return fmt.Errorf("bench: generating the corpus: %v\n%s", err, out)
				}
				if err := os.Rename(tmp, corpus); err != nil {
					return err
				}
			}
			benchSet.corpus, benchSet.lines, benchSet.bin = corpus, lines, cache
			return nil
		}()
	})
	if benchSet.err != nil {
		b.Skip(benchSet.err)
	}
	return &benchSet
}

// runBaseline runs a baseline program over the corpus once and returns its
// wall time and CPU time (user and system).
func (e *benchEnv) runBaseline(b *testing.B, base []string) (wall, cpu time.Duration) {
	b.Helper()
	cmd := exec.Command(filepath.Join(e.bin, base[0]), append(base[1:len(base):len(base)], e.corpus)...)
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("baseline %s: %v\n%s", strings.Join(base, " "), err, out)
	}
	return time.Since(start), cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// feed reads the corpus and pushes every benchBatchLines lines to q as one
// batch, advancing the manual clock by one batch each time. A reader
// goroutine reads the next batch while the engine processes one, as a
// receiver would; each batch's lines share one string.
func feed(b *testing.B, ssc *engine.StreamingContext, q *engine.Queue, corpus string) {
	b.Helper()
	batches := make(chan []any, 1)
	errc := make(chan error, 1)
	go func() { errc <- readBatches(corpus, benchBatchLines, batches) }()
	for batch := range batches {
		q.Push(batch...)
		if err := ssc.Advance(time.Second); err != nil {
			b.Error(err)
		}
	}
	if err := <-errc; err != nil {
		b.Fatal(err)
	}
}

// readBatches sends the lines of the file at path in batches of n lines and
// closes out.
func readBatches(path string, n int, out chan<- []any) error {
	defer close(out)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	var buf []byte
	var ends []int
	flush := func() {
		text := string(buf)
		batch := make([]any, len(ends))
		start := 0
		for i, end := range ends {
			batch[i] = text[start:end]
			start = end
		}
		out <- batch
		buf, ends = buf[:0], ends[:0]
	}
	for {
		line, err := r.ReadSlice('\n')
		if len(line) > 0 {
			buf = append(buf, bytes.TrimSuffix(line, []byte("\n"))...)
			ends = append(ends, len(buf))
			if len(ends) == n {
				flush()
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("reading %s: %w", path, err)
		}
	}
	if len(ends) > 0 {
		flush()
	}
	return nil
}

// runPipelines runs b.N passes over the corpus, each in a fresh context built
// by build and each after a run of the baseline program (outside the timer),
// so both see the same load on a shared machine. It reports records/s and
// x-baseline, gostream's time over the baseline's.
func runPipelines(b *testing.B, e *benchEnv, base []string, build func(ssc *engine.StreamingContext, q *engine.Queue)) {
	b.ReportAllocs()
	var own, ref, ownCPU, refCPU time.Duration
	for range b.N {
		b.StopTimer()
		wall, cpu := e.runBaseline(b, base)
		ref += wall
		refCPU += cpu
		ssc := engine.NewStreamingContext("local[2]", "bench", time.Second, engine.WithManualClock(), engine.WithBatchLog(nil))
		q := engine.NewQueue()
		build(ssc, q)
		if err := ssc.Start(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start, startCPU := time.Now(), cpuTime()
		feed(b, ssc, q, e.corpus)
		own += time.Since(start)
		ownCPU += cpuTime() - startCPU
		b.StopTimer()
		ssc.Stop(false)
	}
	b.ReportMetric(float64(e.lines)*float64(b.N)/own.Seconds(), "records/s")
	b.ReportMetric(own.Seconds()/ref.Seconds(), "x-baseline")
	b.ReportMetric(ownCPU.Seconds()/refCPU.Seconds(), "x-baseline-cpu")
	b.Logf("%d passes: gostream %v (CPU %v), %s %v (CPU %v)", b.N, own, ownCPU, strings.Join(base, " "), ref, refCPU)
}

// countKeys is the output operation of the word counts: it materializes the
// batch's result and checks it is not empty.
func countKeys(b *testing.B) func(r *engine.RDD) {
	return func(r *engine.RDD) {
		if r.Count() == 0 {
			b.Error("empty word count")
		}
	}
}

// BenchmarkWordCount is the streaming word count over batches of 100,000
// lines on local[2], against ../shared/bench/wordcount -p 2.
func BenchmarkWordCount(b *testing.B) {
	e := setupBench(b)
	cases := []struct {
		name  string
		build func(lines *engine.DStream) *engine.DStream
	}{
		{"ReduceByKey", func(lines *engine.DStream) *engine.DStream {
			return lines.FlatMap(strings.Fields).Map(engine.WithOne).ReduceByKey(engine.Sum)
		}},
		{"CountByValue", func(lines *engine.DStream) *engine.DStream {
			return lines.FlatMap(strings.Fields).CountByValue()
		}},
		{"Closures", func(lines *engine.DStream) *engine.DStream {
			words := lines.FlatMap(func(line string) []string { return strings.Fields(line) })
			pairs := words.Map(func(w string) engine.Pair { return engine.KV(w, 1) })
			return pairs.ReduceByKey(func(a, b int) int { return a + b })
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			runPipelines(b, e, []string{"wordcount", "-p", "2"}, func(ssc *engine.StreamingContext, q *engine.Queue) {
				c.build(ssc.QueueStream(q, true)).ForeachRDD(countKeys(b))
			})
		})
	}
}

// windowCount is the windowed word count: a 3-batch window sliding by one
// batch, kept incrementally with the inverse of Sum, zero counts dropped.
func windowCount(lines *engine.DStream) *engine.DStream {
	return lines.FlatMap(strings.Fields).Map(engine.WithOne).
		ReduceByKeyAndWindow(engine.Sum, 3*time.Second, time.Second,
			engine.Inverse(engine.Diff), engine.FilterFunc(func(p engine.Pair) bool { return p.Value != 0 }))
}

// BenchmarkWindowCount is the 3-batch sliding window over batches of 100,000
// lines on local[2], against ../shared/bench/windowcount.
func BenchmarkWindowCount(b *testing.B) {
	e := setupBench(b)
	runPipelines(b, e, []string{"windowcount", "-batch", strconv.Itoa(benchBatchLines), "-window", "3", "-emit", "summary"},
		func(ssc *engine.StreamingContext, q *engine.Queue) {
			windowCount(ssc.QueueStream(q, true)).ForeachRDD(countKeys(b))
		})
}

// heapAfterGC is the live heap after a full collection.
func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// windowHeaps runs the windowed word count for batches batches, making
// batch i's lines with lines(i), and returns what the heap after GC holds
// beyond what it held before the context was made, after batch 100 and
// after the last batch.
func windowHeaps(tb testing.TB, batches int, lines func(i int) []any) (at100, atEnd int64) {
	tb.Helper()
	base := heapAfterGC()
	ssc := engine.NewStreamingContext("local[2]", "memory", time.Second, engine.WithManualClock(), engine.WithBatchLog(nil))
	q := engine.NewQueue()
	windowCount(ssc.QueueStream(q, true)).ForeachRDD(func(r *engine.RDD) { r.Count() })
	if err := ssc.Start(); err != nil {
		tb.Fatal(err)
	}
	defer ssc.Stop(false)
	for i := 1; i <= batches; i++ {
		q.Push(lines(i)...)
		if err := ssc.Advance(time.Second); err != nil {
			tb.Fatal(err)
		}
		if i == 100 {
			at100 = int64(heapAfterGC() - base)
		}
	}
	return at100, int64(heapAfterGC() - base)
}

// TestWindowedWordCountMemoryFlat runs 1,000 batches of the windowed word count whose
// keys keep entering and leaving the window, and checks that the heap after
// batch 1,000 is no larger than after batch 100 (within 1 MiB): old batches,
// windows and their lineage are dropped.
func TestWindowedWordCountMemoryFlat(t *testing.T) {
	const vocab = 5000
	words := make([]string, vocab)
	for i := range words {
		words[i] = fmt.Sprintf("w%04d", i)
	}
	at100, at1000 := windowHeaps(t, 1000, func(i int) []any {
		lines := make([]any, 10)
		for j := range lines {
			var b strings.Builder
			for k := range 8 {
				if k > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(words[(i*97+j*131+k*k)%vocab])
			}
			lines[j] = b.String()
		}
		return lines
	})
	t.Logf("heap after GC, beyond the start: %d KiB at batch 100, %d KiB at batch 1000", at100>>10, at1000>>10)
	if at1000 > at100+1<<20 {
		t.Errorf("heap grew from %d KiB at batch 100 to %d KiB at batch 1000", at100>>10, at1000>>10)
	}
}

// BenchmarkWindowMemory runs 1,000 batches of the windowed word count over
// the corpus (batches of GOSTREAM_BENCH_MEMLINES lines, default 5,000, taken
// round the corpus, which is held in memory) and reports what the heap after
// GC holds beyond the corpus at batch 100 and 1,000, and their ratio.
func BenchmarkWindowMemory(b *testing.B) {
	e := setupBench(b)
	n := 5000
	if s := os.Getenv("GOSTREAM_BENCH_MEMLINES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n <= 0 {
			b.Fatalf("GOSTREAM_BENCH_MEMLINES=%q: want a positive number", s)
		}
	}
	batches := make(chan []any, 1)
	go readBatches(e.corpus, n, batches)
	var corpus [][]any
	for batch := range batches {
		corpus = append(corpus, batch)
	}
	b.ResetTimer()
	for range b.N {
		at100, at1000 := windowHeaps(b, 1000, func(i int) []any { return corpus[i%len(corpus)] })
		b.ReportMetric(float64(at100)/(1<<20), "MiB@100")
		b.ReportMetric(float64(at1000)/(1<<20), "MiB@1000")
		b.ReportMetric(float64(at1000)/float64(at100), "x-heap-growth")
	}
	b.ReportMetric(float64(1000*n*b.N)/b.Elapsed().Seconds(), "records/s")
}
