package engine

import (
	"bufio"
	"io"
	"math/rand"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gostream/gostream/engine/internal/checkpoint"
)

// The kill tests run engine/internal/ftjob as a real process, kill it with
// SIGKILL at random moments, restart it on the same checkpoint directory,
// and compare what it finally wrote with an uninterrupted run's output.

// ftjobBinary builds the ftjob program into the test's directory.
func ftjobBinary(t *testing.T) string {
	t.Helper()
	return goBuild(t, "./internal/ftjob", "ftjob")
}

// gostreamBinary builds cmd/gostream into the test's directory.
func gostreamBinary(t *testing.T) string {
	t.Helper()
	return goBuild(t, "../cmd/gostream", "gostream")
}

func goBuild(t *testing.T, pkg, name string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), name)
	if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// ftProc is one run of the job.
type ftProc struct {
	cmd    *exec.Cmd
	stderr strings.Builder
	lines  chan string
	done   chan error
}

func startFT(t *testing.T, argv []string) *ftProc {
	t.Helper()
	p := &ftProc{cmd: exec.Command(argv[0], argv[1:]...), lines: make(chan string, 16), done: make(chan error, 1)}
	p.cmd.Stderr = &p.stderr
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			select {
			case p.lines <- sc.Text():
			default:
			}
		}
		io.Copy(io.Discard, out)
		p.done <- p.cmd.Wait()
	}()
	return p
}

// waitLine waits (bounded) for the job to print a line starting with prefix.
// The bound covers gostream run building the program with the Go toolchain.
func (p *ftProc) waitLine(t *testing.T, prefix string) string {
	t.Helper()
	timeout := time.After(2 * time.Minute)
	for {
		select {
		case l := <-p.lines:
			if strings.HasPrefix(l, prefix) {
				return l
			}
		case err := <-p.done:
			p.done <- err
			t.Fatalf("job exited (%v) before printing %q; stderr:\n%s", err, prefix, p.stderr.String())
		case <-timeout:
			p.cmd.Process.Kill()
			t.Fatalf("job printed no %q within 2 minutes; stderr:\n%s", prefix, p.stderr.String())
		}
	}
}

// wait waits (bounded) for the job to exit and fails the test unless it
// succeeded.
func (p *ftProc) wait(t *testing.T) {
	t.Helper()
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("job failed: %v; stderr:\n%s", err, p.stderr.String())
		}
	case <-time.After(60 * time.Second):
		p.cmd.Process.Kill()
		t.Fatalf("job did not finish within 60 s; stderr:\n%s", p.stderr.String())
	}
}

// killAfter kills the job with SIGKILL after d, unless it ends first;
// it reports whether the job was killed.
func (p *ftProc) killAfter(t *testing.T, d time.Duration) bool {
	t.Helper()
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("job failed: %v; stderr:\n%s", err, p.stderr.String())
		}
		return false
	case <-time.After(d):
	}
	p.cmd.Process.Kill() // SIGKILL
	err := <-p.done
	if p.cmd.ProcessState.Success() {
		return false // it had finished
	}
	if ws, ok := p.cmd.ProcessState.Sys().(interface{ Signaled() bool }); ok && !ws.Signaled() {
		t.Fatalf("job failed: %v; stderr:\n%s", err, p.stderr.String())
	}
	return true
}

// readOutputs reads every prefix-TIME directory SaveAsTextFiles wrote under
// dir: batch directory name → its lines, sorted.
func readOutputs(t *testing.T, dir string) map[string][]string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") {
			continue // a write cut short by the kill
		}
		if _, err := os.Stat(filepath.Join(dir, e.Name(), "_SUCCESS")); err != nil {
			t.Errorf("output %s has no _SUCCESS", e.Name())
		}
		parts, _ := filepath.Glob(filepath.Join(dir, e.Name(), "part-*"))
		lines := []string{}
		for _, p := range parts {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range strings.Split(string(data), "\n") {
				if l != "" {
					lines = append(lines, l)
				}
			}
		}
		sort.Strings(lines)
		out[e.Name()] = lines
	}
	return out
}

func lastOutput(outs map[string][]string) (string, []string) {
	best, bt := "", int64(-1)
	for name := range outs {
		i := strings.LastIndexByte(name, '-')
		n, err := strconv.ParseInt(name[i+1:], 10, 64)
		if err == nil && n > bt {
			best, bt = name, n
		}
	}
	return best, outs[best]
}

// killLoop runs the job argv (made by args for the run's directories) until
// it finishes, killing it kills times at random moments after it started.
func killLoop(t *testing.T, kills int, rng *rand.Rand, maxDelay time.Duration, argv []string, beforeRun func()) (killed int) {
	t.Helper()
	for run := 0; ; run++ {
		if beforeRun != nil {
			beforeRun()
		}
		p := startFT(t, argv)
		line := p.waitLine(t, "started")
		t.Logf("run %d: %s", run, line)
		if run > 0 && !strings.Contains(line, "recovered true") {
			t.Errorf("run %d after a kill: %q, want a recovered start", run, line)
		}
		if killed < kills {
			if p.killAfter(t, time.Duration(rng.Int63n(int64(maxDelay)))) {
				killed++
				continue
			}
			return killed
		}
		p.wait(t)
		return killed
	}
}

func TestKillFileStream(t *testing.T) {
	testKillFileStream(t, killJob(t, false))
}

// killJob skips the kill tests under the race detector (they only drive
// child processes, and run in the normal test run), runs the test in
// parallel, and returns the command line of the job: the compiled ftjob,
// or, interpreted, the same file under `gostream run`.
func killJob(t *testing.T, interpreted bool) []string {
	if raceEnabled {
		t.Skip("the kill tests run in the normal test run; they only drive child processes")
	}
	t.Parallel()
	if !interpreted {
		return []string{ftjobBinary(t)}
	}
	src, err := filepath.Abs("internal/ftjob/main.go")
	if err != nil {
		t.Fatal(err)
	}
	return []string{gostreamBinary(t), "run", src}
}

// TestKillFileStreamGostreamRun is TestKillFileStream with the same program
// interpreted by `gostream run`.
func TestKillFileStreamGostreamRun(t *testing.T) {
	testKillFileStream(t, killJob(t, true))
}

func testKillFileStream(t *testing.T, job []string) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	run := func(argv0 []string, kills int) (map[string][]string, int) {
		root := t.TempDir()
		in := filepath.Join(root, "in")
		os.Mkdir(in, 0o755)
		argv := append(append([]string(nil), argv0...), "-mode", "file", "-ckpt", filepath.Join(root, "ckpt"), "-in", in,
			"-out", filepath.Join(root, "out", "words"), "-files", "40")
		n := killLoop(t, kills, rng, 500*time.Millisecond, argv, nil)
		return readOutputs(t, filepath.Join(root, "out")), n
	}
	want, _ := run(job, 0)
	if len(want) != 42 {
		t.Fatalf("uninterrupted run wrote %d batches, want 42", len(want))
	}
	got, killed := run(job, 4)
	t.Logf("killed %d times", killed)
	if killed == 0 {
		t.Error("the job finished before it could be killed")
	}
	if !reflect.DeepEqual(got, want) {
		for name, w := range want {
			if !reflect.DeepEqual(got[name], w) {
				t.Errorf("%s after %d kills:\ngot  %v\nwant %v", name, killed, got[name], w)
			}
		}
		t.Errorf("got %d output directories, want %d", len(got), len(want))
	}
}

// walEnd returns the number after the last record in the log in dir: how
// many records the receiver had acknowledged.
func walEnd(t *testing.T, dir string) uint64 {
	t.Helper()
	segs, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	if len(segs) == 0 {
		return 0
	}
	sort.Strings(segs)
	last := segs[len(segs)-1]
	first, err := strconv.ParseUint(strings.TrimSuffix(filepath.Base(last), ".log"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	end, err := readSegment(last, first, func(uint64, []any) {})
	if err != nil {
		t.Fatal(err)
	}
	return end
}

// replayServer serves lines to the job's socket receiver: each run of the
// job gets, on its first connection, the lines from a start index on.
type replayServer struct {
	ln    net.Listener
	lines []string
	mu    sync.Mutex
	start int
	fresh bool
}

func newReplayServer(t *testing.T, lines []string) *replayServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &replayServer{ln: ln, lines: lines}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			start, fresh := s.start, s.fresh
			s.fresh = false
			s.mu.Unlock()
			if !fresh {
				continue // a reconnection within a run: nothing new to say
			}
			go func() {
				w := bufio.NewWriter(c)
				for i := start; i < len(lines); i++ {
					w.WriteString(lines[i] + "\n")
					if i%10 == 9 {
						if w.Flush() != nil {
							return
						}
						time.Sleep(5 * time.Millisecond) // spread the input over many batches
					}
				}
				w.Flush()
			}()
		}
	}()
	return s
}

// next makes the next connection get the lines from start on.
func (s *replayServer) next(start int) {
	s.mu.Lock()
	s.start, s.fresh = start, true
	s.mu.Unlock()
}

func TestKillSocketStreamWithLog(t *testing.T) {
	testKillSocketStream(t, killJob(t, false))
}

// TestKillSocketStreamGostreamRun is TestKillSocketStreamWithLog with the
// same program interpreted by `gostream run`.
func TestKillSocketStreamGostreamRun(t *testing.T) {
	testKillSocketStream(t, killJob(t, true))
}

func testKillSocketStream(t *testing.T, job []string) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	var lines []string
	words := 0
	for i := 0; i < 1000; i++ {
		l := RateLine(int64(i))
		lines = append(lines, l)
		words += len(strings.Fields(l))
	}
	run := func(kills int) ([]string, int) {
		root := t.TempDir()
		srv := newReplayServer(t, lines)
		ckpt := filepath.Join(root, "ckpt")
		argv := append(append([]string(nil), job...), "-mode", "socket", "-ckpt", ckpt, "-addr", srv.ln.Addr().String(),
			"-out", filepath.Join(root, "out", "words"), "-words", strconv.Itoa(words))
		n := killLoop(t, kills, rng, 300*time.Millisecond, argv, func() {
			// Resend what the job had not acknowledged: the log says how far it got.
			srv.next(int(walEnd(t, filepath.Join(ckpt, "wal", "input-0"))))
		})
		_, final := lastOutput(readOutputs(t, filepath.Join(root, "out")))
		return final, n
	}
	want, _ := run(0)
	if len(want) == 0 {
		t.Fatal("the uninterrupted run wrote no counts")
	}
	got, killed := run(3)
	t.Logf("killed %d times", killed)
	if killed == 0 {
		t.Error("the job finished before it could be killed")
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("final counts after %d kills:\ngot  %v\nwant %v", killed, got, want)
	}
}

// TestRecoveryRealClock stops a context on the real clock, recovers it and
// checks that batch times go on from the checkpoint's without a gap: the
// batches of the time it was down are generated too, as in Spark.
func TestRecoveryRealClock(t *testing.T) {
	dir := t.TempDir()
	var mu sync.Mutex
	var times []Time
	create := func() *StreamingContext {
		ssc := NewStreamingContext("local[2]", "clock", Milliseconds(20), WithBatchLog(nil))
		ssc.RateStream(100).Count().ForeachRDD(func(r *RDD, bt Time) {
			mu.Lock()
			times = append(times, bt)
			mu.Unlock()
		})
		return ssc
	}
	waitBatches := func(n int) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			mu.Lock()
			got := len(times)
			mu.Unlock()
			if got >= n {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d batches within 10 s, want %d", got, n)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	ssc := GetOrCreate(dir, create)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	waitBatches(3)
	ssc.Stop(false)
	m, _, err := checkpoint.ReadLatest(dir)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	n := len(times)
	mu.Unlock()
	ssc2 := GetOrCreate(dir, create)
	if err := ssc2.Start(); err != nil {
		t.Fatal(err)
	}
	waitBatches(n + 5)
	ssc2.Stop(false)
	mu.Lock()
	defer mu.Unlock()
	for i := 1; i < len(times); i++ {
		if times[i] != times[i-1].Add(Milliseconds(20)) {
			t.Fatalf("batch times %v: a gap or a repeat after %s (checkpoint: completed %s, pending %v)", times, times[i-1], Time(m.Completed), toTimes(m.Pending))
		}
	}
}
