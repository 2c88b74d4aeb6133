// Command gostream-stress runs the file-stream kill test many times: a
// checkpointed UpdateStateByKey word count over a TextFileStream directory,
// fed files of 15 words that arrive by rename, killed with SIGKILL at random
// moments and restarted each time on the same checkpoint directory, until
// every file has arrived; then the final state is compared with the truth.
// It is a stress tool, not a test: a loss shows once in many runs, so it runs
// as many as it is asked to, varying the kill moments, the batch interval
// and the load, and keeps the logs and directories of every failing run.
//
//	gostream-stress [-runs N] [-files N] [-kills N] [-batches 100ms,250ms,500ms]
//	                [-hogs N] [-max-kill D] [-gostream BINARY] [-keep DIR] [-seed S]
//
// Each run uses a fresh directory under -keep: in/ (the watched directory),
// stage/ (where files are written before the rename), ckpt/ (the checkpoint),
// state (the job's latest state, rewritten after every batch) and run-K.log
// (the job's batch log and the files each batch took, per run of the job).
// A passing run's directory is removed; a failing one's stays and its path
// is printed with what was lost or doubled.
//
// The job is cmd/gostream-stress/job, built with go build (run the harness
// from the module), or run by `gostream run` with -gostream BINARY, as a
// user's script would be. -hogs N adds N goroutines that spin on the CPU in
// the job, as a loaded machine would.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	n, err := run(os.Args[1:], os.Stdout)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "gostream-stress:", err)
		}
		os.Exit(2)
	}
	if n > 0 {
		os.Exit(1)
	}
}

type config struct {
	job                      []string // the job's command, before its flags
	runs, files, kills, hogs int
	batches                  []time.Duration
	keep                     string
	seed                     int64
	maxKill                  time.Duration
}

// run parses the flags and runs the runs; it returns how many failed.
func run(args []string, out io.Writer) (int, error) {
	fs := flag.NewFlagSet("gostream-stress", flag.ContinueOnError)
	var c config
	fs.IntVar(&c.runs, "runs", 20, "kill tests to run")
	fs.IntVar(&c.files, "files", 40, "input files per run, 15 words each")
	fs.IntVar(&c.kills, "kills", 6, "SIGKILLs per run")
	fs.IntVar(&c.hogs, "hogs", -1, "goroutines spinning on the CPU in the job (-1: vary from run to run, 0 to 2)")
	batches := fs.String("batches", "100ms,250ms,500ms", "batch intervals to draw from")
	fs.StringVar(&c.keep, "keep", "", "directory for the runs' directories (default: a new temporary directory)")
	fs.Int64Var(&c.seed, "seed", 0, "random seed (0: from the clock)")
	fs.DurationVar(&c.maxKill, "max-kill", 0, "longest time a job runs before it is killed (default: 8 batches)")
	gostream := fs.String("gostream", "", "run the job with this gostream binary's `gostream run` instead of compiled")
	if err := fs.Parse(args); err != nil {
		return 0, err
	}
	if fs.NArg() > 0 {
		return 0, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	for _, s := range strings.Split(*batches, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil || d < 10*time.Millisecond || d%time.Millisecond != 0 {
			return 0, fmt.Errorf("-batches: %q is not a whole number of milliseconds of at least 10ms", s)
		}
		c.batches = append(c.batches, d)
	}
	if c.runs <= 0 || c.files <= 0 || c.kills < 0 {
		return 0, fmt.Errorf("-runs and -files must be positive and -kills not negative")
	}
	if c.seed == 0 {
		c.seed = time.Now().UnixNano()
	}
	if c.keep == "" {
		d, err := os.MkdirTemp("", "gostream-stress-")
		if err != nil {
			return 0, err
		}
		c.keep = d
	}
	// The job's source: the job package next to this command's, in the
	// module the go command finds from the working directory.
	dir, err := exec.Command("go", "list", "-f", "{{.Dir}}", "github.com/gostream/gostream/cmd/gostream-stress/job").Output()
	if err != nil {
		return 0, fmt.Errorf("finding the job's source (run from the gostream module): go list: %v", err)
	}
	src := filepath.Join(strings.TrimSpace(string(dir)), "main.go")
	if *gostream != "" {
		c.job = []string{*gostream, "run", src}
	} else {
		bin := filepath.Join(c.keep, "job")
		if out, err := exec.Command("go", "build", "-o", bin, src).CombinedOutput(); err != nil {
			return 0, fmt.Errorf("building the job: %v\n%s", err, out)
		}
		c.job = []string{bin}
	}
	fmt.Fprintf(out, "seed %d, job %s, runs under %s\n", c.seed, strings.Join(c.job, " "), c.keep)
	rng := rand.New(rand.NewSource(c.seed))
	failed := 0
	start := time.Now()
	for i := 0; i < c.runs; i++ {
		r := &stressRun{cfg: c, dir: filepath.Join(c.keep, fmt.Sprintf("run-%03d", i)), rng: rand.New(rand.NewSource(rng.Int63()))}
		r.batch = c.batches[r.rng.Intn(len(c.batches))]
		r.hogs = c.hogs
		if r.hogs < 0 {
			r.hogs = r.rng.Intn(3)
		}
		res, err := r.run()
		switch {
		case err != nil:
			failed++
			fmt.Fprintf(out, "run %d (batch %v, %d hogs): FAILED: %v\n    kept %s\n", i, r.batch, r.hogs, err, r.dir)
		case res != "":
			failed++
			fmt.Fprintf(out, "run %d (batch %v, %d hogs, %d kills): WRONG: %s\n    kept %s\n", i, r.batch, r.hogs, r.killed, res, r.dir)
		default:
			fmt.Fprintf(out, "run %d (batch %v, %d hogs, %d kills): ok\n", i, r.batch, r.hogs, r.killed)
			os.RemoveAll(r.dir)
		}
	}
	fmt.Fprintf(out, "%d of %d runs failed (%v)\n", failed, c.runs, time.Since(start).Round(time.Second))
	return failed, nil
}

// stressRun is one kill test.
type stressRun struct {
	cfg    config
	dir    string
	rng    *rand.Rand
	batch  time.Duration
	hogs   int
	killed int
}

// fileWords returns the 15 words of input file i: its own word five times
// (so a lost or doubled file shows by name) and ten shared ones.
func fileWords(i int) []string {
	own := fmt.Sprintf("file%03d", i)
	shared := []string{"the", "stream", "batch", "state", "word"}
	var ws []string
	for k := 0; k < 5; k++ {
		ws = append(ws, own, shared[(i+k)%len(shared)], shared[(i+2*k+1)%len(shared)])
	}
	return ws
}

// truth is the state after all files were counted once.
func truth(files int) map[string]int {
	m := map[string]int{}
	for i := 0; i < files; i++ {
		for _, w := range fileWords(i) {
			m[w]++
		}
	}
	return m
}

func (r *stressRun) run() (string, error) {
	in, stage := filepath.Join(r.dir, "in"), filepath.Join(r.dir, "stage")
	for _, d := range []string{in, stage} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return "", err
		}
	}
	// The feeder moves the files in at random moments, a few per batch
	// interval, while the job is killed and restarted. It starts once the
	// first run of the job has started: files older than the stream are
	// not new files, in gostream as in Spark.
	fed := make(chan struct{})
	var fedAt time.Time // when the last file was moved in; read after fed is closed
	feed := func() {
		defer close(fed)
		frng := rand.New(rand.NewSource(r.rng.Int63()))
		for i := 0; i < r.cfg.files; i++ {
			time.Sleep(time.Duration(frng.Int63n(int64(r.batch))))
			name := fmt.Sprintf("in-%03d.txt", i)
			tmp := filepath.Join(stage, name)
			ws := fileWords(i)
			text := strings.Join(ws[:8], " ") + "\n" + strings.Join(ws[8:], " ") + "\n"
			if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
				panic(err)
			}
			if err := os.Rename(tmp, filepath.Join(in, name)); err != nil {
				panic(err)
			}
		}
		fedAt = time.Now()
	}
	maxKill := r.cfg.maxKill
	if maxKill <= 0 {
		maxKill = 8 * r.batch
	}
	want := truth(r.cfg.files)
	total := 0
	for _, n := range want {
		total += n
	}
	feeding := false
	startFeed := func() {
		if !feeding {
			feeding = true
			go feed()
		}
	}
	for k := 0; ; k++ {
		p, err := r.start(k)
		if err != nil {
			return "", err
		}
		if r.killed < r.cfg.kills {
			// Kill it at a random moment from its start: while it builds
			// its graph or recovers (one kill in four aims there), between
			// batches, in the middle of one.
			wait := time.Duration(r.rng.Int63n(int64(maxKill)))
			if r.rng.Intn(4) == 0 {
				wait = time.Duration(r.rng.Int63n(int64(100 * time.Millisecond)))
			}
			timer, started := time.After(wait), p.started
		waiting:
			for {
				select {
				case err := <-p.done:
					return "", fmt.Errorf("job run %d ended by itself: %v (see run-%d.log)", k, err, k)
				case <-started:
					startFeed()
					started = nil
				case <-timer:
					break waiting
				}
			}
			if err := p.kill(); err != nil {
				return "", fmt.Errorf("job run %d: %v", k, err)
			}
			r.killed++
			continue
		}
		select {
		case <-p.started:
			startFeed()
		case err := <-p.done:
			return "", fmt.Errorf("job run %d ended before it started: %v (see run-%d.log)", k, err, k)
		case <-time.After(time.Minute):
			p.kill()
			return "", fmt.Errorf("job run %d did not start within a minute", k)
		}
		// The last run: wait for the feeder, then for the state to hold
		// every word, or for the job to have run the batches that must have
		// taken the last file (a loaded machine makes it lag behind).
		<-fed
		due := fedAt.Add(3*r.batch + 100*time.Millisecond).UnixMilli()
		deadline := time.Now().Add(3 * time.Minute)
		var got map[string]int
		for {
			var at int64
			got, at, _ = readState(filepath.Join(r.dir, "state"))
			n := 0
			for _, v := range got {
				n += v
			}
			if n >= total || at >= due {
				// Let a few more batches run: a doubled file would show.
				time.Sleep(3 * r.batch)
				got, _, _ = readState(filepath.Join(r.dir, "state"))
				break
			}
			if time.Now().After(deadline) {
				p.kill()
				return "", fmt.Errorf("the job's state was at batch %d after 3 minutes, want batch %d", at, due)
			}
			time.Sleep(r.batch / 2)
		}
		p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			p.kill()
		}
		return diff(got, want), nil
	}
}

type jobProc struct {
	cmd     *exec.Cmd
	started chan struct{} // closed when the job reports that its context started
	pid     chan int      // the process running the context, once started
	done    chan error
}

// start starts run k of the job, its output into run-K.log.
func (r *stressRun) start(k int) (*jobProc, error) {
	logf, err := os.Create(filepath.Join(r.dir, fmt.Sprintf("run-%d.log", k)))
	if err != nil {
		return nil, err
	}
	argv := append(append([]string(nil), r.cfg.job...), "-dir", r.dir, "-batch", r.batch.String(), "-hogs", strconv.Itoa(r.hogs))
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stderr = logf
	// The job's output goes through a pipe of ours, so that waiting for the
	// job does not wait for the pipe's end: a process that outlives the
	// killed job holds it open.
	out, w, err := os.Pipe()
	if err != nil {
		logf.Close()
		return nil, err
	}
	cmd.Stdout = w
	err = cmd.Start()
	w.Close()
	if err != nil {
		out.Close()
		logf.Close()
		return nil, err
	}
	p := &jobProc{cmd: cmd, started: make(chan struct{}), done: make(chan error, 1), pid: make(chan int, 1)}
	go func() {
		defer logf.Close()
		defer out.Close()
		sc := bufio.NewScanner(out)
		started := false
		for sc.Scan() {
			fmt.Fprintln(logf, sc.Text())
			var at, pid int
			var rec bool
			if _, err := fmt.Sscanf(sc.Text(), "started at %d recovered %t pid %d", &at, &rec, &pid); !started && err == nil {
				started = true
				p.pid <- pid
				close(p.started)
			}
		}
	}()
	go func() { p.done <- cmd.Wait() }()
	return p, nil
}

// kill kills the job with SIGKILL and waits for it; it fails when the
// process that ran the job's context outlives it.
func (p *jobProc) kill() error {
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
	var pid int
	select {
	case pid = <-p.pid:
		p.pid <- pid
	default:
		return nil // killed before its context started
	}
	deadline := time.Now().Add(5 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			return fmt.Errorf("process %d, which ran the killed job's context, still ran 5 s after the job was killed (killed it now)", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return nil
}

// alive reports whether process pid exists and is not a zombie.
func alive(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')') // the state follows the command name
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

// readState reads the job's state file: word → count, and the time of the
// batch that wrote it (its first line, "@ TIME").
func readState(path string) (map[string]int, int64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	m := map[string]int{}
	var at int64
	for _, l := range strings.Split(string(data), "\n") {
		w, n, ok := strings.Cut(l, " ")
		if !ok {
			continue
		}
		v, err := strconv.ParseInt(n, 10, 64)
		if err != nil {
			return nil, 0, fmt.Errorf("%s: bad line %q", path, l)
		}
		if w == "@" {
			at = v
		} else {
			m[w] = int(v)
		}
	}
	return m, at, nil
}

// diff describes how got differs from want; "" when it does not.
func diff(got, want map[string]int) string {
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var d []string
	gn, wn := 0, 0
	for _, k := range keys {
		gn += got[k]
		wn += want[k]
		if got[k] != want[k] {
			d = append(d, fmt.Sprintf("%s %d (want %d)", k, got[k], want[k]))
		}
	}
	if len(d) == 0 {
		return ""
	}
	return fmt.Sprintf("%d words counted, want %d: %s", gn, wn, strings.Join(d, ", "))
}
