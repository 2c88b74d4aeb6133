package engine

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

func newManual(t *testing.T, master string) *StreamingContext {
	t.Helper()
	ssc := NewStreamingContext(master, t.Name(), Seconds(1), WithManualClock(), WithBatchLog(nil))
	t.Cleanup(func() { ssc.Stop(false) })
	return ssc
}

// buildPanic runs f and returns the *Error it panicked with.
func buildPanic(t *testing.T, f func()) (err *Error) {
	t.Helper()
	defer func() {
		r := recover()
		e, ok := r.(*Error)
		if !ok {
			t.Fatalf("panic value %#v, want *engine.Error", r)
		}
		err = e
	}()
	f()
	t.Fatal("no panic")
	return nil
}

func TestMaster(t *testing.T) {
	tests := []struct {
		master  string
		workers int
		err     string
	}{
		{"local", 1, ""},
		{"local[3]", 3, ""},
		{"local[*]", -1, ""},
		{"local[0]", 0, `engine: NewStreamingContext: master "local[0]": want local[N] with N ≥ 1`},
		{"spark://host:7077", 0, `engine: NewStreamingContext: master "spark://host:7077": want "local", "local[N]", "local[*]" or kafka://HOST:PORT[,HOST:PORT]/APP[?local=N]`},
	}
	for _, tc := range tests {
		t.Run(tc.master, func(t *testing.T) {
			if tc.err != "" {
				err := buildPanic(t, func() { NewStreamingContext(tc.master, "x", Seconds(1)) })
				if err.Error() != tc.err {
					t.Fatalf("got %q, want %q", err, tc.err)
				}
				return
			}
			ssc := NewStreamingContext(tc.master, "x", Seconds(1))
			if tc.workers > 0 && ssc.DefaultParallelism() != tc.workers {
				t.Fatalf("got %d workers, want %d", ssc.DefaultParallelism(), tc.workers)
			}
			if ssc.DefaultParallelism() < 1 {
				t.Fatalf("got %d workers", ssc.DefaultParallelism())
			}
		})
	}
	err := buildPanic(t, func() { NewStreamingContext("local", "x", 1500*time.Microsecond) })
	if !strings.Contains(err.Error(), "whole number of milliseconds, got 1.5ms") {
		t.Fatalf("got %q", err)
	}
}

func TestLifecycleErrors(t *testing.T) {
	ssc := newManual(t, "local[2]")
	q := NewQueue()
	s := ssc.QueueStream(q, true)
	if err := ssc.Start(); err == nil || !strings.Contains(err.Error(), "no output operations registered") {
		t.Fatalf("Start without outputs: got %v", err)
	}
	s.Print()
	if ssc.State() != Initialized {
		t.Fatalf("state %v", ssc.State())
	}
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	if ssc.State() != Active {
		t.Fatalf("state %v", ssc.State())
	}
	if err := ssc.Start(); err == nil || err.Error() != "engine: StreamingContext.Start: the context is already started" {
		t.Fatalf("second Start: got %v", err)
	}
	err := buildPanic(t, func() { s.Map(strings.ToUpper) })
	if err.Op != "Map" || !strings.Contains(err.Msg, "after StreamingContext.Start") {
		t.Fatalf("Map after Start: got %q", err)
	}
	// A checkpoint directory set while running would never be written.
	err = buildPanic(t, func() { ssc.Checkpoint(t.TempDir()) })
	if err.Op != "StreamingContext.Checkpoint" || !strings.Contains(err.Msg, "after StreamingContext.Start") {
		t.Fatalf("Checkpoint after Start: got %q", err)
	}
	if dir := ssc.CheckpointDir(); dir != "" {
		t.Fatalf("CheckpointDir after the refused Checkpoint: %q", dir)
	}
	ssc.Stop(false)
	if ssc.State() != Stopped {
		t.Fatalf("state %v", ssc.State())
	}
	if err := ssc.Start(); !errors.Is(err, ErrStopped) {
		t.Fatalf("Start after Stop: got %v", err)
	}
	if err := ssc.Advance(Seconds(1)); err == nil || !strings.Contains(err.Error(), "the context is stopped") {
		t.Fatalf("Advance after Stop: got %v", err)
	}
	err = buildPanic(t, func() { ssc.QueueStream(q, true) })
	if !strings.Contains(err.Msg, "stopped") {
		t.Fatalf("QueueStream on a stopped context: got %q", err)
	}
}

func TestBuildErrors(t *testing.T) {
	ssc := newManual(t, "local[2]")
	s := ssc.QueueStream(NewQueue(), true)
	tests := []struct {
		name string
		f    func()
		want string
	}{
		{"Map arity", func() { s.Map(func(a, b int) int { return a }) }, "engine: Map: want a func(T) U of one argument and one result, got func(int, int) int"},
		{"Map not a func", func() { s.Map(42) }, "engine: Map: want a func(T) U of one argument and one result, got int"},
		{"Filter result", func() { s.Filter(func(x int) int { return x }) }, "engine: Filter: want a func(T) bool, got func(int) int"},
		{"FlatMap result", func() { s.FlatMap(func(x int) int { return x }) }, "engine: FlatMap: want a func(T) []U, got func(int) int"},
		{"ReduceByKey", func() { s.ReduceByKey(func(a int, b string) int { return a }) }, "engine: ReduceByKey: want a func(a, b V) V, got func(int, string) int"},
		{"Transform", func() { s.Transform(func(x int) int { return x }) }, "engine: Transform: want a func(*engine.RDD) *engine.RDD or func(*engine.RDD, engine.Time) *engine.RDD, got func(int) int"},
		{"ForeachRDD", func() { s.ForeachRDD(func() {}) }, "engine: ForeachRDD: want a func(*engine.RDD) or func(*engine.RDD, engine.Time), got func()"},
		{"NumTasks", func() { s.ReduceByKey(Sum, NumTasks(-1)) }, "engine: ReduceByKey: NumTasks must be positive, got -1"},
		{"Union nil", func() { s.Union(nil) }, "engine: Union: want a *DStream, got nil"},
		{"Repartition", func() { s.Repartition(0) }, "engine: Repartition: want a positive number of partitions, got 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := buildPanic(t, tc.f).Error(); got != tc.want {
				t.Fatalf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestRuntimeErrorFailsBatchAndReachesAwait(t *testing.T) {
	ssc := newManual(t, "local[2]")
	q := NewQueue()
	var out bytes.Buffer
	ssc.SetOutput(&out)
	ssc.QueueStream(q, true).Map(func(s string) string { return strings.ToUpper(s) }).Print()
	q.Push("a", "b")
	q.Push("c", 42)
	q.Push("d")
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	if err := ssc.Advance(Seconds(1)); err != nil {
		t.Fatal(err)
	}
	err := ssc.Advance(Seconds(1))
	want := "engine: Map at 2000 ms: element of type int (42) where the function takes string"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
	var e *Error
	if !errors.As(err, &e) || e.Op != "Map" || e.Time != 2000 {
		t.Fatalf("error fields: %#v", e)
	}
	// The context keeps running the next batches, and AwaitTermination reports the failure.
	if err := ssc.Advance(Seconds(1)); err != nil {
		t.Fatal(err)
	}
	if got := ssc.AwaitTermination(); got == nil || got.Error() != want {
		t.Fatalf("AwaitTermination: got %v", got)
	}
	if !strings.Contains(out.String(), "Time: 3000 ms\n-------------------------------------------\nD\n") {
		t.Fatalf("third batch missing:\n%s", out.String())
	}
	if info, ok := ssc.LastBatch(); !ok || info.BatchTime != 3000 || info.Records != 1 || info.Err != nil {
		t.Fatalf("LastBatch: %+v", info)
	}
}

func TestUserPanicNamesOperation(t *testing.T) {
	ssc := newManual(t, "local[2]")
	q := NewQueue()
	ssc.QueueStream(q, true).Filter(func(x int) bool {
		if x == 3 {
			panic("three")
		}
		return true
	}).Print()
	q.Push(1, 2, 3, 4)
	ssc.Start()
	err := ssc.Advance(Seconds(1))
	want := "engine: Filter at 1000 ms: function panicked on element of type int: three"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
}

func TestRealClockBatchTimes(t *testing.T) {
	ssc := NewStreamingContext("local[2]", "clock", Milliseconds(50), WithBatchLog(nil))
	var (
		mu    sync.Mutex
		times []Time
	)
	ssc.RateStream(100).ForeachRDD(func(r *RDD, t Time) {
		mu.Lock()
		times = append(times, t)
		mu.Unlock()
	})
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(times)
		mu.Unlock()
		if n >= 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	ssc.Stop(false)
	mu.Lock()
	defer mu.Unlock()
	if len(times) < 3 {
		t.Fatalf("only %d batches", len(times))
	}
	for i, bt := range times {
		if !bt.IsMultipleOf(Milliseconds(50)) {
			t.Errorf("batch time %s is not a multiple of 50 ms", bt)
		}
		if i > 0 && bt-times[i-1] != 50 {
			t.Errorf("batch %d at %s follows %s", i, bt, times[i-1])
		}
	}
	if stopped, err := ssc.AwaitTerminationOrTimeout(time.Second); !stopped || err != nil {
		t.Fatalf("AwaitTerminationOrTimeout after Stop: %v %v", stopped, err)
	}
}

func TestListenerAndBatchLog(t *testing.T) {
	var log bytes.Buffer
	ssc := NewStreamingContext("local[2]", "listen", Seconds(1), WithManualClock(), WithBatchLog(&log))
	q := NewQueue()
	ssc.QueueStream(q, true).Count().ForeachRDD(func(*RDD) {})
	var infos []BatchInfo
	ssc.AddStreamingListener(OnBatchCompleted(func(i BatchInfo) { infos = append(infos, i) }))
	q.Push(1, 2, 3)
	ssc.Start()
	ssc.Advance(Seconds(2))
	ssc.Stop(false)
	if len(infos) != 2 || infos[0].Records != 3 || infos[1].Records != 0 || infos[1].BatchTime != 2000 {
		t.Fatalf("infos: %+v", infos)
	}
	if infos[0].TotalDelay < infos[0].ProcessingDelay {
		t.Fatalf("total delay %v < processing %v", infos[0].TotalDelay, infos[0].ProcessingDelay)
	}
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "Total delay: ") || !strings.Contains(lines[0], " s for time 1000 ms (execution: ") {
		t.Fatalf("batch log:\n%s", log.String())
	}
}

func TestHooks(t *testing.T) {
	var created, started []string
	rm1 := OnNewContext(func(c *StreamingContext) { created = append(created, c.AppName()) })
	rm2 := OnContextStart(func(c *StreamingContext) { started = append(started, c.AppName()) })
	ssc := NewStreamingContext("local", "hooked", Seconds(1), WithManualClock(), WithBatchLog(nil))
	rm1()
	NewStreamingContext("local", "unhooked", Seconds(1))
	ssc.QueueStream(NewQueue(), true).Print()
	ssc.Start()
	rm2()
	defer ssc.Stop(false)
	if strings.Join(created, ",") != "hooked" || strings.Join(started, ",") != "hooked" {
		t.Fatalf("created %v started %v", created, started)
	}
	found := false
	for _, c := range ActiveContexts() {
		found = found || c == ssc
	}
	if !found {
		t.Fatal("started context not in ActiveContexts")
	}
}

func TestParallelizeSlices(t *testing.T) {
	ssc := newManual(t, "local[3]")
	r := ssc.Parallelize([]any{1, 2, 3, 4, 5, 6, 7})
	got := Format(toAnys(func() []any {
		var out []any
		for _, p := range r.Partitions() {
			out = append(out, p)
		}
		return out
	}()))
	if got != "[[1 2] [3 4] [5 6 7]]" {
		t.Fatalf("got %s", got)
	}
}

func TestNotStartedErrors(t *testing.T) {
	ssc := NewStreamingContext("local[2]", "wc", Seconds(1), WithManualClock(), WithBatchLog(nil))
	ssc.QueueStream(NewQueue(), true).Print()
	if got, want := ssc.String(), `StreamingContext(local[2], "wc", batch 1s, INITIALIZED)`; got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
	for name, err := range map[string]error{
		"AwaitTermination": ssc.AwaitTermination(),
		"AwaitTerminationOrTimeout": func() error {
			_, err := ssc.AwaitTerminationOrTimeout(time.Hour)
			return err
		}(),
		"Advance": ssc.Advance(Seconds(1)),
	} {
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(err.Error(), "call ssc.Start() first") {
			t.Errorf("%s before Start: %v; want an *Error saying to call ssc.Start() first", name, err)
		}
	}
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	ssc.Stop(false)
	if err := ssc.Advance(Seconds(1)); err == nil || !strings.Contains(err.Error(), "stopped") {
		t.Errorf("Advance after Stop: %v", err)
	}
	if err := ssc.AwaitTermination(); err != nil {
		t.Errorf("AwaitTermination after Stop: %v", err)
	}
	if !strings.HasSuffix(ssc.String(), "STOPPED)") {
		t.Errorf("String() after Stop = %s", ssc.String())
	}
}

func TestPrintTakesOneCount(t *testing.T) {
	ssc := manualContext(t)
	err := buildError(func() { ssc.QueueStream(NewQueue(), true).Print(1, 2) })
	if err == nil || !strings.Contains(err.Error(), "Print") || !strings.Contains(err.Error(), "2 arguments") {
		t.Errorf("Print(1, 2): %v; want an error naming Print and its 2 arguments", err)
	}
}

func TestBatchLogNamesFailedJobs(t *testing.T) {
	var log bytes.Buffer
	ssc := NewStreamingContext("local[2]", t.Name(), Seconds(1), WithManualClock(), WithBatchLog(&log))
	t.Cleanup(func() { ssc.Stop(false) })
	q := NewQueue()
	ssc.QueueStream(q, true).Map(func(x int) int { return 10 / x }).Print()
	q.Push(0)
	ssc.Start()
	if err := ssc.Advance(Seconds(1)); err == nil {
		t.Fatal("Advance: no error for a batch dividing by zero")
	}
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "Error running job for time 1000 ms: ") ||
		!strings.Contains(lines[0], "Map") || !strings.Contains(lines[0], "divide by zero") ||
		!strings.HasPrefix(lines[1], "Total delay: ") {
		t.Fatalf("batch log:\n%s", log.String())
	}
}

// TestDirectActionFailure: an action called outside any batch whose task
// fails panics with the *Error a batch would report, not with an engine
// internal; inside ForeachRDD it fails the batch, naming both.
func TestDirectActionFailure(t *testing.T) {
	ssc := newManual(t, "local[2]")
	r := ssc.Parallelize([]any{1, 0, 2}, 2).Map(func(x int) int { return 10 / x })
	failure := func(f func()) (got any) {
		defer func() { got = recover() }()
		f()
		return nil
	}
	for name, action := range map[string]func(){
		"Collect": func() { r.Collect() },
		"Count":   func() { r.Count() },
		"Reduce":  func() { r.Reduce(Sum) },
	} {
		got := failure(action)
		e, ok := got.(*Error)
		if !ok {
			t.Fatalf("%s panicked with %T %v, want *engine.Error", name, got, got)
		}
		if e.Op != "Map" || !strings.Contains(e.Error(), "integer divide by zero") {
			t.Errorf("%s: %v, want Map's integer divide by zero", name, e)
		}
	}
	var inBatch error
	q := NewQueue()
	ssc.QueueStream(q, false).ForeachRDD(func(*RDD) { r.Collect() })
	ssc.AddStreamingListener(OnBatchCompleted(func(b BatchInfo) {
		if b.Err != nil {
			inBatch = b.Err
		}
	}))
	q.Push("x")
	ssc.Start()
	ssc.Advance(time.Second)
	var e *Error
	if !errors.As(inBatch, &e) || e.Op != "ForeachRDD" || !strings.Contains(e.Error(), "function panicked: engine: Map: function panicked on element of type int: runtime error: integer divide by zero") {
		t.Errorf("a batch whose ForeachRDD calls the failing action failed with %T %v", inBatch, inBatch)
	}
}
