package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/gostream/gostream/engine"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "gostream-bench:", err)
		}
		os.Exit(2)
	}
}

// pipeline is one benchmarked stream program and the baseline doing its work.
type pipeline struct {
	name     string
	about    string
	build    func(lines *engine.DStream, batch time.Duration) *engine.DStream
	baseline func(batch int) []string // program and flags, before the corpus path
	refs     []reference              // hand-written references run in this process
	// prepare, when set, readies what build needs, before the first pass.
	prepare func() error
}

// wordcountP2 is the word count baseline on two goroutines.
func wordcountP2(int) []string { return []string{"wordcount", "-p", "2"} }

var pipelines = []pipeline{
	{name: "wordcount", about: "FlatMap(strings.Fields).Map(engine.WithOne).ReduceByKey(engine.Sum)",
		build: func(lines *engine.DStream, batch time.Duration) *engine.DStream {
			return lines.FlatMap(strings.Fields).Map(engine.WithOne).ReduceByKey(engine.Sum)
		},
		baseline: wordcountP2},
	{name: "countbyvalue", about: "FlatMap(strings.Fields).CountByValue()",
		build: func(lines *engine.DStream, batch time.Duration) *engine.DStream {
			return lines.FlatMap(strings.Fields).CountByValue()
		},
		baseline: wordcountP2},
	{name: "closures", about: "word count with a user closure at every step",
		build: func(lines *engine.DStream, batch time.Duration) *engine.DStream {
			return lines.FlatMap(splitLine).Map(pairWord).ReduceByKey(addCounts)
		},
		baseline: wordcountP2, refs: closuresRefs},
	{name: "shell", about: "the closures pipeline typed into a shell session, which compiles its closures",
		build:    func(lines *engine.DStream, batch time.Duration) *engine.DStream { return buildShell(lines) },
		baseline: wordcountP2, refs: shellRefs, prepare: prepareShell},
	{name: "window", about: "ReduceByKeyAndWindow(Sum, 3 batches, 1 batch, Inverse(Diff), FilterFunc(count != 0))",
		build: func(lines *engine.DStream, batch time.Duration) *engine.DStream {
			return lines.FlatMap(strings.Fields).Map(engine.WithOne).
				ReduceByKeyAndWindow(engine.Sum, 3*batch, batch,
					engine.Inverse(engine.Diff), engine.FilterFunc(func(p engine.Pair) bool { return p.Value != 0 }))
		},
		baseline: func(batch int) []string {
			return []string{"windowcount", "-batch", strconv.Itoa(batch), "-window", "3", "-emit", "summary"}
		}},
}

type options struct {
	corpus     string
	lines      int
	batch      int
	master     string
	names      []string
	passes     int
	baselines  string
	cache      string
	noBaseline bool
	interval   time.Duration
	cpuProfile string
	memProfile string
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("gostream-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var names string
	fs.IntVar(&o.lines, "lines", 1000000, "lines of the generated corpus (without a CORPUS argument)")
	fs.IntVar(&o.batch, "batch", 100000, "lines per batch")
	fs.StringVar(&o.master, "master", "local[2]", "master of the streaming context")
	fs.StringVar(&names, "pipelines", "wordcount,countbyvalue,closures,shell,window", "comma-separated pipelines to run: "+pipelineNames())
	fs.IntVar(&o.passes, "passes", 1, "passes over the corpus per pipeline (and runs of its baseline)")
	fs.StringVar(&o.baselines, "baselines", "", "directory of the baseline programs (default: shared/bench beside the repository)")
	fs.StringVar(&o.cache, "cache", filepath.Join(os.TempDir(), "gostream-bench"), "directory for the built baselines and the generated corpus")
	fs.BoolVar(&o.noBaseline, "no-baseline", false, "do not run the baselines")
	fs.DurationVar(&o.interval, "interval", 0, "run on the real clock with this batch interval (all batches queued up front), so scheduling delays show a backlog; 0: manual clock, batches back to back")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of each pipeline to this file (with several pipelines, the pipeline's name goes before the extension: cpu.wordcount.prof)")
	fs.StringVar(&o.memProfile, "memprofile", "", "write the allocation profile after each pipeline to this file, named as for -cpuprofile (the profile counts from the start of the process: -pipelines NAME for one pipeline's alone)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: gostream-bench [flags] [CORPUS]\n\nPipelines:\n")
		for _, p := range pipelines {
			fmt.Fprintf(fs.Output(), "  %-13s %s\n", p.name, p.about)
		}
		fmt.Fprintf(fs.Output(), "\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	switch fs.NArg() {
	case 0:
	case 1:
		o.corpus = fs.Arg(0)
	default:
		return nil, fmt.Errorf("want at most one CORPUS argument, got %q", fs.Args())
	}
	if o.lines <= 0 || o.batch <= 0 || o.passes <= 0 {
		return nil, fmt.Errorf("-lines, -batch and -passes must be positive (got %d, %d, %d)", o.lines, o.batch, o.passes)
	}
	for _, n := range strings.Split(names, ",") {
		if n = strings.TrimSpace(n); n == "" {
			continue
		}
		if findPipeline(n) == nil {
			return nil, fmt.Errorf("-pipelines: unknown pipeline %q (want %s)", n, pipelineNames())
		}
		o.names = append(o.names, n)
	}
	if len(o.names) == 0 {
		return nil, fmt.Errorf("-pipelines: no pipeline named")
	}
	return o, nil
}

func pipelineNames() string {
	var names []string
	for _, p := range pipelines {
		names = append(names, p.name)
	}
	return strings.Join(names, ", ")
}

func findPipeline(name string) *pipeline {
	for i := range pipelines {
		if pipelines[i].name == name {
			return &pipelines[i]
		}
	}
	return nil
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if !o.noBaseline || o.corpus == "" {
		if o.baselines == "" {
			if o.baselines, err = findBaselines(); err != nil {
				return err
			}
		}
		if err := buildBaselines(o); err != nil {
			return err
		}
	}
	if o.corpus == "" {
		if o.corpus, err = generateCorpus(o); err != nil {
			return err
		}
	}
	batches, lines, err := loadCorpus(o.corpus, o.batch)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "corpus %s: %d lines in %d batches of up to %d; %s, GOMAXPROCS %d, %d pass(es)\n",
		o.corpus, lines, len(batches), o.batch, o.master, runtime.GOMAXPROCS(0), o.passes)
	if o.interval > 0 {
		fmt.Fprintf(stdout, "real clock, batch interval %v, every batch queued at start\n", o.interval)
	}
	hand := make(map[refAt][]handRun)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "pipeline\tlines/s\ttime\tCPU\tallocs/line\tB/line\tbatch p50\tp95\tmax\tsched max\tbaseline\tbase time\tbase CPU\tratio\tCPU ratio\t")
	for _, name := range o.names {
		p := findPipeline(name)
		if p.prepare != nil {
			if err := p.prepare(); err != nil {
				return err
			}
		}
		fmt.Fprintf(stderr, "running %s...\n", p.name)
		var res result
		var passes []result
		var baseWall, baseCPU time.Duration
		stop, err := startProfiles(o, p.name)
		if err != nil {
			return err
		}
		for range o.passes {
			if !o.noBaseline {
				w, c, err := runBaseline(o, p.baseline(o.batch))
				if err != nil {
					return err
				}
				baseWall += w
				baseCPU += c
			}
			r, err := runPipeline(o, p, batches)
			if err != nil {
				return fmt.Errorf("pipeline %s: %w", p.name, err)
			}
			res.add(r)
			passes = append(passes, r)
		}
		if err := stop(); err != nil {
			return err
		}
		// The references run after the pipeline's passes, as many times,
		// so that what they leave in the heap does not meet the pipeline.
		for i := range p.refs {
			ref := &p.refs[i]
			for _, r := range passes {
				h := runReference(ref, batches)
				if ref.counts && h.keys != r.keys {
					return fmt.Errorf("pipeline %s output %d keys, its reference %q %d", p.name, r.keys, ref.about, h.keys)
				}
				at := refAt{p.name, i}
				hand[at] = append(hand[at], handRun{r, h})
			}
		}
		row := []string{p.name,
			fmt.Sprintf("%.0f", float64(lines*o.passes)/res.wall.Seconds()),
			secs(res.wall), secs(res.cpu),
			fmt.Sprintf("%.2f", float64(res.mallocs)/float64(lines*o.passes)),
			fmt.Sprintf("%.0f", float64(res.bytes)/float64(lines*o.passes)),
			ms(res.quantile(0.5)), ms(res.quantile(0.95)), ms(res.quantile(1)), ms(res.maxSched)}
		if o.noBaseline {
			row = append(row, "-", "-", "-", "-", "-")
		} else {
			row = append(row, strings.Join(p.baseline(o.batch), " "), secs(baseWall), secs(baseCPU),
				fmt.Sprintf("%.2fx", res.wall.Seconds()/baseWall.Seconds()),
				fmt.Sprintf("%.2fx", res.cpu.Seconds()/baseCPU.Seconds()))
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	tw.Flush()
	fmt.Fprintln(stdout, "allocs/line, B/line: heap allocations (count, bytes) of the whole process per corpus line; batch p50/p95/max: processing time per batch; ratio: gostream's time over the baseline's, measured alternately in this run")
	printReferences(stdout, o, hand, lines)
	return nil
}

func secs(d time.Duration) string { return fmt.Sprintf("%.3fs", d.Seconds()) }
func ms(d time.Duration) string   { return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond)) }

// result is what passes of one pipeline measured.
type result struct {
	wall, cpu      time.Duration
	mallocs, bytes uint64          // heap allocations while running
	proc           []time.Duration // processing time of every batch
	maxSched       time.Duration
	keys           int // keys output, summed over the batches
}

func (r *result) add(o result) {
	r.wall += o.wall
	r.cpu += o.cpu
	r.mallocs += o.mallocs
	r.bytes += o.bytes
	r.proc = append(r.proc, o.proc...)
	r.maxSched = max(r.maxSched, o.maxSched)
	r.keys += o.keys
}

func (r *result) quantile(q float64) time.Duration {
	if len(r.proc) == 0 {
		return 0
	}
	s := slices.Clone(r.proc)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

// runPipeline runs p over the batches once, in a fresh context.
func runPipeline(o *options, p *pipeline, batches [][]any) (_ result, err error) {
	defer func() {
		// Building a context or a stream wrongly panics with *engine.Error.
		if r := recover(); r != nil {
			e, ok := r.(*engine.Error)
			if !ok {
				panic(r)
			}
			err = e
		}
	}()
	var opts []engine.Option
	batchDur := time.Second
	if o.interval > 0 {
		batchDur = o.interval
	} else {
		opts = append(opts, engine.WithManualClock())
	}
	opts = append(opts, engine.WithBatchLog(nil))
	ssc := engine.NewStreamingContext(o.master, "gostream-bench", batchDur, opts...)
	q := engine.NewQueue()
	var (
		mu      sync.Mutex
		res     result
		done    int
		allDone = make(chan struct{})
		keys    int
	)
	p.build(ssc.QueueStream(q, true), batchDur).ForeachRDD(func(r *engine.RDD) { keys += r.Count() })
	ssc.AddStreamingListener(engine.OnBatchCompleted(func(info engine.BatchInfo) {
		mu.Lock()
		defer mu.Unlock()
		if info.Records == 0 {
			return
		}
		res.proc = append(res.proc, info.ProcessingDelay)
		res.maxSched = max(res.maxSched, info.SchedulingDelay)
		done++
		if done == len(batches) {
			close(allDone)
		}
	}))
	runtime.GC()
	if o.interval > 0 {
		for _, b := range batches {
			q.Push(b...)
		}
	}
	err = measure(&res, func() error {
		if err := ssc.Start(); err != nil {
			return err
		}
		if o.interval > 0 {
			for {
				select {
				case <-allDone:
					return nil
				case <-time.After(50 * time.Millisecond):
					if ssc.Err() != nil || ssc.State() == engine.Stopped {
						return nil
					}
				}
			}
		}
		for _, b := range batches {
			q.Push(b...)
			if err := ssc.Advance(batchDur); err != nil {
				return err
			}
		}
		return nil
	})
	ssc.Stop(false)
	if err != nil {
		return res, err
	}
	if err := ssc.Err(); err != nil {
		return res, err
	}
	if keys == 0 {
		return res, fmt.Errorf("the pipeline produced no output")
	}
	res.keys = keys
	return res, nil
}

// measure runs f and adds to r its wall and CPU time and the heap
// allocations made meanwhile.
func measure(r *result, f func() error) error {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start, startCPU := time.Now(), cpuTime()
	err := f()
	r.wall, r.cpu = r.wall+time.Since(start), r.cpu+cpuTime()-startCPU
	runtime.ReadMemStats(&after)
	r.mallocs += after.Mallocs - before.Mallocs
	r.bytes += after.TotalAlloc - before.TotalAlloc
	return err
}

// profilePath is the profile file of pipeline name: path itself when one
// pipeline runs, else path with the name before its extension.
func profilePath(o *options, path, name string) string {
	if len(o.names) == 1 {
		return path
	}
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + "." + name + ext
}

// startProfiles starts the CPU profile of pipeline name, if asked for, and
// returns the func that stops it and writes the allocation profile.
func startProfiles(o *options, name string) (stop func() error, err error) {
	var cpu *os.File
	if o.cpuProfile != "" {
		if cpu, err = os.Create(profilePath(o, o.cpuProfile, name)); err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(cpu); err != nil {
			cpu.Close()
			return nil, err
		}
	}
	return func() error {
		if cpu != nil {
			pprof.StopCPUProfile()
			if err := cpu.Close(); err != nil {
				return err
			}
		}
		if o.memProfile == "" {
			return nil
		}
		f, err := os.Create(profilePath(o, o.memProfile, name))
		if err != nil {
			return err
		}
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}, nil
}

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadCorpus reads the corpus into batches of n lines; each batch's lines
// share one string.
func loadCorpus(path string, n int) (batches [][]any, lines int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("corpus: %w", err)
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
		batches = append(batches, batch)
		lines += len(batch)
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
			return nil, 0, fmt.Errorf("corpus %s: %w", path, err)
		}
	}
	if len(ends) > 0 {
		flush()
	}
	if lines == 0 {
		return nil, 0, fmt.Errorf("corpus %s is empty", path)
	}
	return batches, lines, nil
}

// findBaselines looks for shared/bench beside the repository holding the
// working directory, or beside one of its parents.
func findBaselines() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		cand := filepath.Join(filepath.Dir(dir), "shared", "bench")
		if _, err := os.Stat(filepath.Join(cand, "wordcount")); err == nil {
			return cand, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("baselines: no shared/bench beside the working directory or its parents; pass -baselines DIR (or -no-baseline with a CORPUS)")
		}
		dir = parent
	}
}

// buildBaselines builds the corpus generator and the baselines into the cache.
func buildBaselines(o *options) error {
	if err := os.MkdirAll(o.cache, 0o755); err != nil {
		return err
	}
	for _, prog := range []string{"corpus", "wordcount", "windowcount"} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(o.cache, prog), "./"+prog)
		cmd.Dir = o.baselines
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("baselines: building %s in %s: %v\n%s", prog, o.baselines, err, out)
		}
	}
	return nil
}

// generateCorpus writes the corpus of o.lines lines into the cache, once.
func generateCorpus(o *options) (string, error) {
	path := filepath.Join(o.cache, fmt.Sprintf("corpus-%d.txt", o.lines))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	tmp := path + ".tmp"
	cmd := exec.Command(filepath.Join(o.cache, "corpus"), "-n", strconv.Itoa(o.lines), "-o", tmp)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("corpus: generating %d lines: %v\n%s", o.lines, err, out)
	}
	return path, os.Rename(tmp, path)
}

// runBaseline runs a baseline program over the corpus and returns its wall
// and CPU time.
func runBaseline(o *options, base []string) (wall, cpu time.Duration, err error) {
	cmd := exec.Command(filepath.Join(o.cache, base[0]), append(base[1:len(base):len(base)], o.corpus)...)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, 0, fmt.Errorf("baseline %s: %w", strings.Join(base, " "), err)
	}
	return time.Since(start), cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
}
