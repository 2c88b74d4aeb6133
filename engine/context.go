package engine

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ContextState is the life-cycle state of a StreamingContext.
type ContextState int

// The states of a StreamingContext: streams are defined while Initialized,
// batches run while Active, and a Stopped context cannot be restarted.
const (
	Initialized ContextState = iota
	Active
	Stopped
)

func (s ContextState) String() string {
	switch s {
	case Initialized:
		return "INITIALIZED"
	case Active:
		return "ACTIVE"
	}
	return "STOPPED"
}

// Option configures a StreamingContext.
type Option func(*config)

type config struct {
	manual       bool
	maxRate      int
	batchLog     io.Writer
	batchLogSet  bool
	backpressure bool
	bpInitial    int        // WithBackpressureInitialRate (ratelimit.go)
	more         moreConfig // WithBlockInterval, WithStopGracefullyOnShutdown (context_more.go)
}

// WithManualClock makes time advance only by Advance: it starts at 0, and
// the first batch's time is the batch interval.
func WithManualClock() Option { return func(c *config) { c.manual = true } }

// WithReceiverMaxRate limits every receiver of the context that has no
// MaxRate option to n records a second (Spark's spark.streaming.receiver.maxRate).
func WithReceiverMaxRate(n int) Option { return func(c *config) { c.maxRate = n } }

// WithBatchLog sends the per-batch log line ("Total delay: ...") to w; nil
// turns it off. The default is standard error.
func WithBatchLog(w io.Writer) Option {
	return func(c *config) { c.batchLog, c.batchLogSet = w, true }
}

// StreamingContext is the entry point: it creates input streams, holds the
// graph of DStreams, and runs it every batch interval once started.
type StreamingContext struct {
	master, appName string
	batch           time.Duration
	ex              *executor
	manual          bool
	backpressure    bool // WithBackpressure (backpressure.go)
	bpInitial       int  // WithBackpressureInitialRate (ratelimit.go)
	more            moreConfig

	mu          sync.Mutex
	state       ContextState
	streams     []*DStream
	outputs     []*DStream
	inputs      []*input
	rememberDur time.Duration
	maxRate     int // default receiver rate limit, records/s; 0: none
	checkpoint  string
	ckpt        *checkpointer // writes checkpoints while active (recovery.go)
	recovered   *recovery     // read by GetOrCreate, applied by Start
	resumed     bool          // started from a checkpoint
	started     bool          // Start succeeded once: zero times are set
	zero        Time
	now         Time // manual clock
	next        Time // the next batch time to generate
	queue       []*batch
	queueCond   *sync.Cond
	stopping    bool
	running     bool
	firstErr    error
	errCh       chan struct{} // closed at the first batch error
	stopCh      chan struct{} // closed when Stop begins
	done        chan struct{} // closed when stopped
	loops       sync.WaitGroup
	listeners   []StreamingListener
	last        BatchInfo
	hasLast     bool

	listenerViews func(StreamingListener) []any // see SetListenerViews; guarded by mu

	outMu     sync.Mutex
	out       io.Writer
	formatter func(any) string
	batchLog  io.Writer
	runMu     sync.Mutex    // one batch at a time
	jobG      atomic.Uint64 // the goroutine running a batch's jobs; 0 when none
}

type input struct {
	d   *DStream
	src inputSource
}

// inputSource is what an input DStream reads from. allocate hands over the
// data of the batch at t (called in batch order, at the batch's time).
type inputSource interface {
	start(ssc *StreamingContext) error
	stop(graceful bool)
	allocate(t Time) (rdd *RDD, records int)
}

var (
	hooksMu    sync.Mutex
	newHooks   hookList
	startHooks hookList
	active     = map[*StreamingContext]bool{}
)

// hookList is an ordered set of front-end hooks; guarded by hooksMu.
type hookList struct {
	seq int
	fs  map[int]func(*StreamingContext)
}

func (h *hookList) add(f func(*StreamingContext)) (remove func()) {
	hooksMu.Lock()
	defer hooksMu.Unlock()
	if h.fs == nil {
		h.fs = map[int]func(*StreamingContext){}
	}
	h.seq++
	id := h.seq
	h.fs[id] = f
	return func() {
		hooksMu.Lock()
		defer hooksMu.Unlock()
		delete(h.fs, id)
	}
}

// run calls the hooks in the order they were added.
func (h *hookList) run(ssc *StreamingContext) {
	hooksMu.Lock()
	fs := make([]func(*StreamingContext), 0, len(h.fs))
	for i := 1; i <= h.seq; i++ {
		if f, ok := h.fs[i]; ok {
			fs = append(fs, f)
		}
	}
	hooksMu.Unlock()
	for _, f := range fs {
		f(ssc)
	}
}

// OnNewContext registers f to be called inside every NewStreamingContext,
// before it returns; front ends use it to route a context's output. The
// returned func removes the hook.
func OnNewContext(f func(*StreamingContext)) (remove func()) { return newHooks.add(f) }

// OnContextStart registers f to be called inside every Start of an
// initialized context, before its first batch; front ends use it to send a
// context's output to the input (the notebook cell) that started it. The
// returned func removes the hook.
func OnContextStart(f func(*StreamingContext)) (remove func()) { return startHooks.add(f) }

// ActiveContexts returns the contexts that are started and not yet stopped.
func ActiveContexts() []*StreamingContext {
	hooksMu.Lock()
	defer hooksMu.Unlock()
	var out []*StreamingContext
	for c := range active {
		out = append(out, c)
	}
	return out
}

// NewStreamingContext returns a context running on master ("local",
// "local[N]" or "local[*]") that cuts its input into batches of the given
// interval. It panics with *Error when the master or interval is invalid.
func NewStreamingContext(master, appName string, batch time.Duration, opts ...Option) *StreamingContext {
	const op = "NewStreamingContext"
	n, err := parseMaster(master)
	if err != nil {
		buildErrorf(op, "%v", err)
	}
	if batch < time.Millisecond || batch%time.Millisecond != 0 {
		buildErrorf(op, "batch interval must be a positive whole number of milliseconds, got %v", batch)
	}
	var cfg config
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	ssc := &StreamingContext{
		master: master, appName: appName, batch: batch,
		ex: newExecutor(n), manual: cfg.manual,
		out: os.Stdout, batchLog: os.Stderr,
		errCh: make(chan struct{}), done: make(chan struct{}), stopCh: make(chan struct{}),
	}
	if cfg.maxRate < 0 {
		buildErrorf(op, "WithReceiverMaxRate: want a non-negative rate, got %d", cfg.maxRate)
	}
	ssc.maxRate = cfg.maxRate
	ssc.backpressure, ssc.bpInitial = cfg.backpressure, cfg.bpInitial
	ssc.more = cfg.more.checked(op, batch)
	if cfg.batchLogSet {
		ssc.batchLog = cfg.batchLog
	}
	ssc.queueCond = sync.NewCond(&ssc.mu)
	newHooks.run(ssc)
	return ssc
}

func parseMaster(master string) (int, error) {
	switch {
	case master == "local":
		return 1, nil
	case master == "local[*]":
		return runtime.NumCPU(), nil
	case strings.HasPrefix(master, "local[") && strings.HasSuffix(master, "]"):
		n, err := strconv.Atoi(master[len("local[") : len(master)-1])
		if err != nil || n < 1 {
			return 0, fmt.Errorf("master %q: want local[N] with N ≥ 1", master)
		}
		return n, nil
	}
	return 0, fmt.Errorf("master %q: want \"local\", \"local[N]\" or \"local[*]\"", master)
}

// AppName returns the application name given to NewStreamingContext.
func (ssc *StreamingContext) AppName() string { return ssc.appName }

// Master returns the master the context runs on.
func (ssc *StreamingContext) Master() string { return ssc.master }

// BatchDuration returns the batch interval.
func (ssc *StreamingContext) BatchDuration() time.Duration { return ssc.batch }

// DefaultParallelism returns N of local[N].
func (ssc *StreamingContext) DefaultParallelism() int { return ssc.ex.parallelism }

// State returns the context's life-cycle state.
func (ssc *StreamingContext) State() ContextState {
	ssc.mu.Lock()
	defer ssc.mu.Unlock()
	return ssc.state
}

// String describes the context as the shell and notebooks show it, for
// example StreamingContext(local[2], "wordcount", batch 1s, ACTIVE).
func (ssc *StreamingContext) String() string {
	return fmt.Sprintf("StreamingContext(%s, %q, batch %v, %s)", ssc.master, ssc.appName, ssc.batch, ssc.State())
}

// SetOutput sets where Print writes (standard output by default).
func (ssc *StreamingContext) SetOutput(w io.Writer) {
	ssc.outMu.Lock()
	defer ssc.outMu.Unlock()
	if w == nil {
		w = io.Discard
	}
	ssc.out = w
}

// SetBatchLog sets where the per-batch log line goes; nil turns it off.
func (ssc *StreamingContext) SetBatchLog(w io.Writer) {
	ssc.outMu.Lock()
	defer ssc.outMu.Unlock()
	ssc.batchLog = w
}

// SetFormatter sets how Print renders the values inside elements: f gets
// every value that is not a Pair or a []any (nil restores fmt.Sprint).
func (ssc *StreamingContext) SetFormatter(f func(any) string) {
	ssc.outMu.Lock()
	defer ssc.outMu.Unlock()
	ssc.formatter = f
}

// Format renders x as Print does, with the context's formatter.
func (ssc *StreamingContext) Format(x any) string { return ssc.format(x) }

func (ssc *StreamingContext) format(x any) string {
	ssc.outMu.Lock()
	f := ssc.formatter
	ssc.outMu.Unlock()
	return FormatWith(x, f)
}

func (ssc *StreamingContext) write(s string) {
	ssc.outMu.Lock()
	defer ssc.outMu.Unlock()
	io.WriteString(ssc.out, s)
}

// Remember makes every DStream keep its RDDs for at least d, so that
// ForeachRDD code and Slice can look further back.
func (ssc *StreamingContext) Remember(d time.Duration) {
	ssc.mu.Lock()
	defer ssc.mu.Unlock()
	ssc.mustBeInitialized("Remember")
	ssc.rememberDur = d
}

// Checkpoint sets the directory the context checkpoints into once started:
// metadata after every batch, the state of stateful streams at their
// checkpoint interval, and the write-ahead log of receiver input. Use
// GetOrCreate to recover from it; see docs/fault-tolerance.md. Like the
// streams, it is set before Start: later it panics with *Error. An empty
// dir turns checkpointing off.
func (ssc *StreamingContext) Checkpoint(dir string) {
	ssc.mu.Lock()
	defer ssc.mu.Unlock()
	ssc.mustBeInitialized("StreamingContext.Checkpoint")
	ssc.checkpoint = dir
}

// CheckpointDir returns the directory set by Checkpoint.
func (ssc *StreamingContext) CheckpointDir() string {
	ssc.mu.Lock()
	defer ssc.mu.Unlock()
	return ssc.checkpoint
}

func (ssc *StreamingContext) mustBeInitialized(op string) {
	switch ssc.state {
	case Active:
		buildErrorf(op, "cannot add or change streams after StreamingContext.Start; stop it and create a new context")
	case Stopped:
		buildErrorf(op, "the StreamingContext is stopped; create a new one")
	}
}

// Parallelize makes an RDD of elems in numPartitions partitions (default N
// of local[N]); partition i holds elements [i·n/p, (i+1)·n/p), as in Spark.
func (ssc *StreamingContext) Parallelize(elems []any, numPartitions ...int) *RDD {
	p := ssc.ex.parallelism
	if len(numPartitions) > 0 {
		p = numPartitions[0]
	}
	if p < 1 {
		buildErrorf("Parallelize", "want a positive number of partitions, got %d", p)
	}
	return materialized(ssc.ex, "Parallelize", slicePartitions(elems, p))
}

func slicePartitions(elems []any, p int) [][]any {
	parts := make([][]any, p)
	n := len(elems)
	for i := range parts {
		parts[i] = elems[i*n/p : (i+1)*n/p : (i+1)*n/p]
	}
	return parts
}

// Start starts running the streams. It fails when the context was already
// started or stopped, or when no output operation is registered.
func (ssc *StreamingContext) Start() error {
	const op = "StreamingContext.Start"
	if ssc.State() == Initialized {
		startHooks.run(ssc)
	}
	ssc.mu.Lock()
	switch ssc.state {
	case Active:
		ssc.mu.Unlock()
		return &Error{Op: op, Msg: "the context is already started"}
	case Stopped:
		ssc.mu.Unlock()
		return &Error{Op: op, Msg: "the context is stopped and cannot be restarted; create a new one", Err: ErrStopped}
	}
	if len(ssc.outputs) == 0 {
		ssc.mu.Unlock()
		return &Error{Op: op, Msg: "no output operations registered, so nothing to execute (add Print, ForeachRDD or SaveAs...)"}
	}
	if ssc.checkpoint != "" {
		for _, in := range ssc.inputs {
			if _, ok := in.src.(*queueSource); ok {
				ssc.mu.Unlock()
				return &Error{Op: op, Msg: fmt.Sprintf("QueueStream does not support checkpointing: its RDDs live in the program's memory and cannot be recovered after a restart; remove Checkpoint(%q) or feed the stream from a recoverable source (TextFileStream, RateStream, a receiver)", ssc.checkpoint), Err: ErrQueueCheckpoint}
			}
		}
	}
	var first Time
	if ssc.manual {
		first = Time(durMS(ssc.batch))
	} else {
		b := durMS(ssc.batch)
		first = Time((time.Now().UnixMilli()/b + 1) * b)
	}
	ssc.zero = first.Sub(ssc.batch)
	rec := ssc.recovered
	ssc.recovered = nil
	if rec != nil {
		ssc.resumed = true
		ssc.zero = rec.meta.Zero
		first = rec.meta.resumeTime(ssc.batch)
	}
	ssc.now = first.Sub(ssc.batch)
	ssc.next = first
	ssc.prepareGraph()
	ssc.state = Active
	ssc.started = true
	inputs := append([]*input(nil), ssc.inputs...)
	ssc.mu.Unlock()

	pending, err := ssc.startCheckpoints(rec)
	if err != nil {
		ssc.mu.Lock()
		ssc.state = Stopped
		close(ssc.done)
		ssc.mu.Unlock()
		return err
	}
	for i, in := range inputs {
		if err := in.src.start(ssc); err != nil {
			for _, s := range inputs[:i] {
				s.src.stop(false)
			}
			ssc.mu.Lock()
			ssc.state = Stopped
			close(ssc.done)
			ckpt := ssc.ckpt
			ssc.mu.Unlock()
			if ckpt != nil {
				ckpt.close()
			}
			return &Error{Op: op, Msg: fmt.Sprintf("starting %s: %v", in.d.op, err), Err: err}
		}
	}
	if rec != nil {
		ssc.ckpt.sourcesResumed(first.Sub(ssc.batch))
	}
	hooksMu.Lock()
	active[ssc] = true
	hooksMu.Unlock()
	ssc.postStreamingStarted(time.Now())
	if ssc.manual {
		for _, b := range pending {
			ssc.runBatch(b)
		}
	} else {
		for _, b := range pending {
			ssc.enqueue(b)
		}
		ssc.loops.Add(2)
		go ssc.generateLoop()
		go ssc.runLoop()
	}
	return nil
}

// prepareGraph sets zero times and remember durations as Spark's DStreamGraph does.
func (ssc *StreamingContext) prepareGraph() {
	for _, d := range ssc.streams {
		d.zero = ssc.zero
	}
	for _, o := range ssc.outputs {
		o.initialize()
	}
	for _, o := range ssc.outputs {
		o.rememberFor(ssc.rememberDur)
	}
}

// Advance moves a manual clock forward by d, generating and running every
// batch that falls due; it returns when their jobs are done, with the first
// batch's error.
func (ssc *StreamingContext) Advance(d time.Duration) error {
	const op = "StreamingContext.Advance"
	ssc.mu.Lock()
	if !ssc.manual {
		ssc.mu.Unlock()
		return &Error{Op: op, Msg: "the context has a real clock; create it WithManualClock() to advance time by hand"}
	}
	switch ssc.state {
	case Initialized:
		ssc.mu.Unlock()
		return &Error{Op: op, Msg: "the context is not started yet; call ssc.Start() first"}
	case Stopped:
		ssc.mu.Unlock()
		return &Error{Op: op, Msg: "the context is stopped; a stopped context cannot be restarted, create a new one"}
	}
	if id := ssc.jobG.Load(); id != 0 && id == goroutineID() {
		// The batch running this job would wait for the batches it advanced to.
		ssc.mu.Unlock()
		return &Error{Op: op, Msg: "called from inside one of the context's own jobs (a ForeachRDD function); advance the clock from outside its batches"}
	}
	target := ssc.now.Add(d)
	ssc.mu.Unlock()
	var first error
	for {
		ssc.mu.Lock()
		t := ssc.next
		if t > target || ssc.state != Active || ssc.stopping {
			ssc.now = max(ssc.now, target)
			ssc.mu.Unlock()
			return first
		}
		ssc.next = t.Add(ssc.batch)
		ssc.now = t
		ssc.mu.Unlock()
		b := ssc.generate(t)
		if err := ssc.runBatch(b); err != nil && first == nil {
			first = err
		}
	}
}

// Now returns the current time of the context's clock.
func (ssc *StreamingContext) Now() Time {
	if ssc.manual {
		ssc.mu.Lock()
		defer ssc.mu.Unlock()
		return ssc.now
	}
	return Time(time.Now().UnixMilli())
}

func (ssc *StreamingContext) generateLoop() {
	defer ssc.loops.Done()
	for {
		ssc.mu.Lock()
		t := ssc.next
		stopping := ssc.stopping
		ssc.mu.Unlock()
		if stopping {
			return
		}
		wait := time.Until(time.UnixMilli(int64(t)))
		if wait > 0 {
			timer := time.NewTimer(wait)
			select {
			case <-timer.C:
			case <-ssc.done:
				timer.Stop()
				return
			case <-ssc.stopCh:
				timer.Stop()
				return
			}
		}
		ssc.mu.Lock()
		if ssc.stopping {
			ssc.mu.Unlock()
			return
		}
		ssc.next = t.Add(ssc.batch)
		ssc.mu.Unlock()
		ssc.enqueue(ssc.generate(t))
	}
}

func (ssc *StreamingContext) enqueue(b *batch) {
	ssc.mu.Lock()
	ssc.queue = append(ssc.queue, b)
	ssc.queueCond.Broadcast()
	ssc.mu.Unlock()
}

func (ssc *StreamingContext) runLoop() {
	defer ssc.loops.Done()
	for {
		ssc.mu.Lock()
		for len(ssc.queue) == 0 && !ssc.stopping {
			ssc.queueCond.Wait()
		}
		if len(ssc.queue) == 0 || ssc.stopping {
			// Stop drops the batches not yet started, or runs them itself
			// when graceful.
			ssc.mu.Unlock()
			return
		}
		b := ssc.queue[0]
		ssc.queue = ssc.queue[1:]
		ssc.running = true
		ssc.mu.Unlock()
		ssc.runBatch(b)
		ssc.mu.Lock()
		ssc.running = false
		ssc.queueCond.Broadcast()
		ssc.mu.Unlock()
	}
}

// Stop stops the streams. With graceful true it first stops receiving and
// waits until every batch of data already received has been processed;
// otherwise batches not yet started are dropped. Stop is idempotent. Called
// from inside one of the context's own jobs (a ForeachRDD function), which
// cannot finish while Stop waits for it, Stop returns at once and the
// context stops when the job's batch is over; no later batch starts.
func (ssc *StreamingContext) Stop(graceful bool) {
	own := false
	if id := ssc.jobG.Load(); id != 0 {
		own = id == goroutineID()
	}
	ssc.mu.Lock()
	switch ssc.state {
	case Stopped:
		ssc.mu.Unlock()
		return
	case Initialized:
		ssc.state = Stopped
		close(ssc.done)
		ssc.mu.Unlock()
		return
	}
	if ssc.stopping {
		// Another goroutine is stopping the context: wait for it to finish.
		ssc.mu.Unlock()
		if !own {
			<-ssc.done
		}
		return
	}
	ssc.stopping = true
	ssc.queueCond.Broadcast()
	inputs := append([]*input(nil), ssc.inputs...)
	ssc.mu.Unlock()
	close(ssc.stopCh)
	if own {
		go ssc.finishStop(graceful, inputs)
		return
	}
	ssc.finishStop(graceful, inputs)
}

// finishStop stops the inputs and the loops, runs the last batch of a
// graceful stop, and marks the context stopped once no batch runs.
func (ssc *StreamingContext) finishStop(graceful bool, inputs []*input) {
	for _, in := range inputs {
		in.src.stop(graceful)
	}
	if !ssc.manual {
		ssc.loops.Wait()
		if graceful {
			// One last batch takes what the receivers handed over while stopping.
			ssc.mu.Lock()
			t := ssc.next
			pending := ssc.queue
			ssc.queue = nil
			ssc.mu.Unlock()
			for _, b := range pending {
				ssc.runBatch(b)
			}
			if wait := time.Until(time.UnixMilli(int64(t))); wait > 0 {
				time.Sleep(wait)
			}
			ssc.runBatch(ssc.generate(t))
		}
	} else if graceful {
		ssc.mu.Lock()
		t := ssc.next
		ssc.mu.Unlock()
		if ssc.hasPendingInput() {
			ssc.runBatch(ssc.generate(t))
		}
	}
	ssc.runMu.Lock() // wait for a batch still running
	ssc.runMu.Unlock()
	for _, in := range inputs {
		if s, ok := in.src.(interface{ stopped() }); ok {
			s.stopped() // after the last batch: its commits are done
		}
	}
	ssc.mu.Lock()
	if ssc.ckpt != nil {
		ssc.ckpt.close()
	}
	ssc.state = Stopped
	close(ssc.done)
	ssc.mu.Unlock()
	hooksMu.Lock()
	delete(active, ssc)
	hooksMu.Unlock()
}

// pendingReporter is implemented by sources that can tell whether data is
// waiting for a batch.
type pendingReporter interface{ pending() bool }

func (ssc *StreamingContext) hasPendingInput() bool {
	for _, in := range ssc.inputs {
		if p, ok := in.src.(pendingReporter); ok && p.pending() {
			return true
		}
	}
	return false
}

// AwaitTermination blocks until the context is stopped or a batch fails,
// and returns the first batch error, if any.
func (ssc *StreamingContext) AwaitTermination() error {
	if err := ssc.awaitable("StreamingContext.AwaitTermination"); err != nil {
		return err
	}
	select {
	case <-ssc.done:
	case <-ssc.errCh:
	}
	return ssc.Err()
}

// AwaitTerminationOrTimeout is AwaitTermination for at most d; stopped
// reports whether the context stopped. A context already stopped, or with
// a failed batch, returns at once, whatever d; d = 0 only checks, and a
// negative d waits as AwaitTermination does (Spark's timeout of -1).
func (ssc *StreamingContext) AwaitTerminationOrTimeout(d time.Duration) (stopped bool, err error) {
	if err := ssc.awaitable("StreamingContext.AwaitTerminationOrTimeout"); err != nil {
		return false, err
	}
	select {
	case <-ssc.done:
		return true, ssc.Err()
	case <-ssc.errCh:
		return ssc.State() == Stopped, ssc.Err()
	default:
	}
	if d < 0 {
		err := ssc.AwaitTermination()
		return ssc.State() == Stopped, err
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ssc.done:
		return true, ssc.Err()
	case <-ssc.errCh:
		return ssc.State() == Stopped, ssc.Err()
	case <-timer.C:
		return false, nil
	}
}

// awaitable refuses to wait on a context that was never started: nothing
// would ever end the wait.
func (ssc *StreamingContext) awaitable(op string) error {
	if ssc.State() == Initialized {
		return &Error{Op: op, Msg: "the context was never started, so it would wait forever; call ssc.Start() first"}
	}
	return nil
}

// Err returns the first batch error, or nil.
func (ssc *StreamingContext) Err() error {
	ssc.mu.Lock()
	defer ssc.mu.Unlock()
	return ssc.firstErr
}

func (ssc *StreamingContext) reportError(err error) {
	ssc.mu.Lock()
	defer ssc.mu.Unlock()
	if ssc.firstErr == nil {
		ssc.firstErr = err
		close(ssc.errCh)
	}
}

// batch is one generated batch waiting to run.
type batch struct {
	time      Time
	submitted time.Time
	records   int
	inputs    []StreamInputInfo
	rate      float64 // the inputs' rate limits in force, records/s; 0: none
}

// generate allocates the input of batch t; it runs at t on the real clock.
func (ssc *StreamingContext) generate(t Time) *batch {
	b := &batch{time: t, submitted: time.Now()}
	ssc.mu.Lock()
	inputs := append([]*input(nil), ssc.inputs...)
	ckpt := ssc.ckpt
	ssc.mu.Unlock()
	var recs []ckptBatch
	for i, in := range inputs {
		rdd, n := in.src.allocate(t)
		if rdd == nil {
			rdd = materialized(ssc.ex, in.d.op, nil)
		}
		rdd.time = t
		in.d.put(t, rdd)
		b.records += n
		b.inputs = append(b.inputs, StreamInputInfo{StreamID: i, Stream: in.d.op, Records: n})
		if rr, ok := in.src.(interface{ rateInForce() float64 }); ok {
			b.rate += rr.rateInForce()
		}
		if ckpt != nil {
			recs = append(recs, ckpt.record(i, t, n))
		}
	}
	if ckpt != nil {
		ckpt.generated(t, recs)
	}
	postEvent(ssc, ssc.listenerList(), "OnBatchSubmitted", func(l BatchSubmittedListener) {
		l.OnBatchSubmitted(BatchInfo{BatchTime: t, SubmissionTime: b.submitted, Records: b.records, Inputs: b.inputs})
	})
	return b
}

// runBatch runs the jobs of batch b, one per output operation in the order
// they were registered, then forgets what no stream needs any longer.
func (ssc *StreamingContext) runBatch(b *batch) error {
	ssc.runMu.Lock()
	defer ssc.runMu.Unlock()
	ssc.jobG.Store(goroutineID())
	defer ssc.jobG.Store(0)
	info := BatchInfo{BatchTime: b.time, SubmissionTime: b.submitted, Records: b.records, Inputs: b.inputs, Rate: b.rate, ProcessingStart: time.Now()}
	listeners := ssc.listenerList()
	postEvent(ssc, listeners, "OnBatchStarted", func(l BatchStartedListener) { l.OnBatchStarted(info) })
	ssc.mu.Lock()
	outputs := append([]*DStream(nil), ssc.outputs...)
	ckpt := ssc.ckpt
	ssc.mu.Unlock()
	ops, errs := ssc.runOutputs(b.time, outputs, listeners)
	info.OutputOperations = ops
	info.ProcessingEnd = time.Now()
	info.SchedulingDelay = info.ProcessingStart.Sub(b.submitted)
	info.ProcessingDelay = info.ProcessingEnd.Sub(info.ProcessingStart)
	info.TotalDelay = info.ProcessingEnd.Sub(b.submitted)
	if len(errs) > 0 {
		info.Err = errors.Join(errs...)
		ssc.reportError(errs[0])
	}
	for _, o := range outputs {
		o.clearMetadata(b.time)
	}
	if ckpt != nil {
		ckpt.completed(b.time)
	}
	ssc.mu.Lock()
	ssc.last, ssc.hasLast = info, true
	ssc.mu.Unlock()
	ssc.outMu.Lock()
	if ssc.batchLog != nil {
		for _, err := range errs {
			fmt.Fprintf(ssc.batchLog, "Error running job for time %s: %v\n", b.time, err)
		}
		rate := ""
		if b.rate > 0 {
			rate = fmt.Sprintf(", rate: %.0f records/s", b.rate)
		}
		fmt.Fprintf(ssc.batchLog, "Total delay: %.3f s for time %s (execution: %.3f s%s)\n",
			info.TotalDelay.Seconds(), b.time, info.ProcessingDelay.Seconds(), rate)
	}
	ssc.outMu.Unlock()
	postEvent(ssc, listeners, "OnBatchCompleted", func(l StreamingListener) { l.OnBatchCompleted(info) })
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// LastBatch returns the metrics of the most recently completed batch.
func (ssc *StreamingContext) LastBatch() (BatchInfo, bool) {
	ssc.mu.Lock()
	defer ssc.mu.Unlock()
	return ssc.last, ssc.hasLast
}

func (ssc *StreamingContext) listenerList() []StreamingListener {
	ssc.mu.Lock()
	defer ssc.mu.Unlock()
	return append([]StreamingListener(nil), ssc.listeners...)
}

// AddStreamingListener registers l for batch events (and the other events
// of listener_events.go that l implements).
func (ssc *StreamingContext) AddStreamingListener(l StreamingListener) {
	ssc.mu.Lock()
	defer ssc.mu.Unlock()
	ssc.listeners = append(ssc.listeners, l)
}

// BatchInfo describes one batch and how long it took.
type BatchInfo struct {
	BatchTime       Time
	Records         int     // input records in the batch
	Rate            float64 // records/s the inputs were limited to (MaxRatePerPartition, backpressure); 0: no limit
	SubmissionTime  time.Time
	ProcessingStart time.Time
	ProcessingEnd   time.Time
	SchedulingDelay time.Duration // from submission to the start of the first job
	ProcessingDelay time.Duration // running the jobs
	TotalDelay      time.Duration // scheduling + processing
	Err             error         // the batch's job errors, if any
	// Inputs is each input stream's share of Records, in stream order.
	Inputs []StreamInputInfo
	// OutputOperations are the batch's jobs, one per output operation
	// that ran at the batch's time (set when the batch completed).
	OutputOperations []OutputOperationInfo
}

// StreamingListener hears about completed batches. A listener may also
// implement BatchSubmittedListener and BatchStartedListener.
type StreamingListener interface {
	OnBatchCompleted(info BatchInfo)
}

// BatchSubmittedListener hears about batches when they are generated.
type BatchSubmittedListener interface {
	OnBatchSubmitted(info BatchInfo)
}

// BatchStartedListener hears about batches when their first job starts.
type BatchStartedListener interface {
	OnBatchStarted(info BatchInfo)
}

// OnBatchCompleted returns a StreamingListener that calls f after every batch.
func OnBatchCompleted(f func(BatchInfo)) StreamingListener { return &funcListener{f} }

// goroutineID returns the calling goroutine's number, from the first line
// of its stack ("goroutine N [running]:"). Stop uses it to tell a call
// from inside the context's own job, which it must not wait for.
func goroutineID() uint64 {
	var buf [64]byte
	line := buf[:runtime.Stack(buf[:], false)]
	line = line[len("goroutine "):]
	if i := bytes.IndexByte(line, ' '); i > 0 {
		line = line[:i]
	}
	id, _ := strconv.ParseUint(string(line), 10, 64)
	return id
}
