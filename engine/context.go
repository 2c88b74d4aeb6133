package engine

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/gostream/gostream/engine/internal/clock"
	"github.com/gostream/gostream/engine/internal/cluster"
	"github.com/gostream/gostream/engine/internal/contexts"
	"github.com/gostream/gostream/engine/internal/driver"
	"github.com/gostream/gostream/engine/internal/graph"
	"github.com/gostream/gostream/engine/internal/rdd"
	"github.com/gostream/gostream/engine/internal/scheduler"
	"github.com/gostream/gostream/engine/internal/sink/console"
)

// ContextState is the life-cycle state of a StreamingContext.
type ContextState int

// The states of a StreamingContext: streams are defined while Initialized,
// batches run while Active, and a Stopped context cannot be restarted.
const (
	Initialized = ContextState(driver.Initialized)
	Active      = ContextState(driver.Active)
	Stopped     = ContextState(driver.Stopped)
)

func (s ContextState) String() string { return driver.State(s).String() }

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
	clock           clock.Clock   // what the context tells the time with
	hand            *clock.Manual // the clock, when it moves only by Advance
	backpressure    bool          // WithBackpressure (backpressure.go)
	bpInitial       int           // WithBackpressureInitialRate (ratelimit.go)
	more            moreConfig

	mu          sync.Mutex
	life        driver.Life[*batch] // the state, Start and Stop, the checkpointer (engine/internal/driver)
	graph       *graph.Graph[*RDD]  // the streams' nodes (engine/internal/graph)
	streams     []*DStream
	outputs     []*DStream
	inputs      []*input
	rememberDur time.Duration
	maxRate     int // default receiver rate limit, records/s; 0: none
	checkpoint  string
	started     bool // Start succeeded once: zero times are set
	zero        Time
	sched       *scheduler.Scheduler[*batch] // the batch loop (jobs.go)
	done        <-chan struct{}              // closed when stopped
	last        BatchInfo
	hasLast     bool

	bus *scheduler.Bus[StreamingListener] // the listeners and their views (listenerbus.go)

	cluster      *cluster.Master // the kafka:// master; nil on local[N] (cluster.go)
	member       *clusterMember  // this process's membership once started (cluster_member.go)
	kafkaSinks   []Kafka         // the clusters SaveToKafka writes to, for Start's checks
	clusterTasks cluster.Tasks   // the input topics' partition count, once a KafkaStream is made

	out *console.Out // the output, the batch log and the formatter
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
	newHooks, startHooks contexts.Hooks[*StreamingContext]   // OnNewContext, OnContextStart
	running              contexts.Running[*StreamingContext] // started and not yet stopped
)

// OnNewContext registers f to be called inside every NewStreamingContext,
// before it returns; front ends use it to route a context's output. The
// returned func removes the hook.
func OnNewContext(f func(*StreamingContext)) (remove func()) { return newHooks.Add(f) }

// OnContextStart registers f to be called inside every Start of an
// initialized context, before its first batch; front ends use it to send a
// context's output to the input (the notebook cell) that started it. The
// returned func removes the hook.
func OnContextStart(f func(*StreamingContext)) (remove func()) { return startHooks.Add(f) }

// ActiveContexts returns the contexts that are started and not yet stopped.
func ActiveContexts() []*StreamingContext { return running.List() }

// NewStreamingContext returns a context running on master ("local",
// "local[N]", "local[*]", or kafka://HOST:PORT[,HOST:PORT]/APP[?local=N]
// for one member of a job shared by several processes, docs/cluster.md)
// that cuts its input into batches of the given interval. It panics with
// *Error when the master or interval is invalid.
func NewStreamingContext(master, appName string, batch time.Duration, opts ...Option) *StreamingContext {
	const op = "NewStreamingContext"
	n, job, err := cluster.Workers(master)
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
		ex: newExecutor(n), clock: clock.System{},
		out:     console.NewOut(os.Stdout, os.Stderr),
		cluster: job, graph: graph.New[*RDD](),
	}
	if cfg.maxRate < 0 {
		buildErrorf(op, "WithReceiverMaxRate: want a non-negative rate, got %d", cfg.maxRate)
	}
	ssc.maxRate = cfg.maxRate
	ssc.backpressure, ssc.bpInitial = cfg.backpressure, cfg.bpInitial
	ssc.more = cfg.more.checked(op, batch)
	if cfg.batchLogSet {
		ssc.out.SetLog(cfg.batchLog)
	}
	if cfg.manual {
		ssc.hand = clock.NewManual(0)
		ssc.clock = ssc.hand
	}
	ssc.newLoop()
	ssc.bus = newBus(ssc)
	ssc.done = ssc.sched.Done()
	newHooks.Run(ssc)
	return ssc
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
func (ssc *StreamingContext) State() ContextState { return ContextState(ssc.life.Current()) }

// String describes the context as the shell and notebooks show it, for
// example StreamingContext(local[2], "wordcount", batch 1s, ACTIVE).
func (ssc *StreamingContext) String() string {
	return fmt.Sprintf("StreamingContext(%s, %q, batch %v, %s)", ssc.master, ssc.appName, ssc.batch, ssc.State())
}

// SetOutput sets where Print writes (standard output by default).
func (ssc *StreamingContext) SetOutput(w io.Writer) { ssc.out.SetOutput(w) }

// SetBatchLog sets where the per-batch log line goes; nil turns it off.
func (ssc *StreamingContext) SetBatchLog(w io.Writer) { ssc.out.SetLog(w) }

// SetFormatter sets how Print renders the values inside elements: f gets
// every value that is not a Pair or a []any (nil restores fmt.Sprint).
func (ssc *StreamingContext) SetFormatter(f func(any) string) { ssc.out.SetLeaf(f) }

// Format renders x as Print does, with the context's formatter.
func (ssc *StreamingContext) Format(x any) string { return ssc.format(x) }

func (ssc *StreamingContext) format(x any) string { return FormatWith(x, ssc.out.Leaf()) }

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
	switch ContextState(ssc.life.State) {
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
	return materialized(ssc.ex, "Parallelize", rdd.Slices(elems, p))
}

// Start starts running the streams. It fails when the context was already
// started or stopped, or when no output operation is registered.
func (ssc *StreamingContext) Start() error {
	if ssc.State() == Initialized {
		startHooks.Run(ssc)
	}
	return ssc.life.Start(&starter{ssc: ssc})
}

// starter is a context as engine/internal/driver's Start brings it up.
type starter struct {
	ssc    *StreamingContext
	inputs []*input // the inputs once active
}

const startOp = "StreamingContext.Start"

func (s *starter) Check() error {
	ssc := s.ssc
	switch ssc.life.State {
	case driver.Active:
		return &Error{Op: startOp, Msg: "the context is already started"}
	case driver.Stopped:
		return &Error{Op: startOp, Msg: "the context is stopped and cannot be restarted; create a new one", Err: ErrStopped}
	}
	if len(ssc.outputs) == 0 {
		return &Error{Op: startOp, Msg: "no output operations registered, so nothing to execute (add Print, ForeachRDD or SaveAs...)"}
	}
	if ssc.checkpoint != "" {
		for _, in := range ssc.inputs {
			if _, ok := in.src.(*queueSource); ok {
				return &Error{Op: startOp, Msg: fmt.Sprintf("QueueStream does not support checkpointing: its RDDs live in the program's memory and cannot be recovered after a restart; remove Checkpoint(%q) or feed the stream from a recoverable source (TextFileStream, RateStream, a receiver)", ssc.checkpoint), Err: ErrQueueCheckpoint}
			}
		}
	}
	if ssc.cluster != nil {
		if err := ssc.checkClusterGraph(); err != nil {
			return &Error{Op: startOp, Msg: err.Error()}
		}
	}
	return nil
}

// Join makes a cluster's context a member of its job: every member agrees
// on which batches a window emits, and a window reads batches from before
// this member joined.
func (s *starter) Join(first, zero int64) (int64, int64, error) {
	ssc := s.ssc
	if ssc.cluster == nil {
		return first, zero, nil
	}
	cm, f, err := ssc.joinCluster(Time(first))
	if err != nil {
		return 0, 0, &Error{Op: startOp, Msg: err.Error(), Err: err}
	}
	ssc.member = cm
	return int64(f), int64(cm.zero), nil
}

func (s *starter) Activate(zero int64) int {
	ssc := s.ssc
	ssc.zero = Time(zero)
	ssc.prepareGraph()
	if ssc.member != nil {
		ssc.ex.cluster = ssc.member
	}
	ssc.started = true
	s.inputs = append([]*input(nil), ssc.inputs...)
	return len(s.inputs)
}

func (s *starter) StartInput(i int) error {
	in := s.inputs[i]
	if err := in.src.start(s.ssc); err != nil {
		return &Error{Op: startOp, Msg: fmt.Sprintf("starting %s: %v", in.d.op, err), Err: err}
	}
	return nil
}

func (s *starter) StopInput(i int) { s.inputs[i].src.stop(false) }

func (s *starter) Abort() {
	if s.ssc.member != nil {
		s.ssc.member.Close()
	}
}

func (s *starter) Started() {
	running.Started(s.ssc)
	s.ssc.postStreamingStarted(time.Now())
}

// prepareGraph sets zero times and remember durations as Spark's DStreamGraph does.
func (ssc *StreamingContext) prepareGraph() {
	ssc.syncNodes()
	ssc.graph.Prepare(int64(ssc.zero), durMS(ssc.rememberDur))
}

// syncNodes copies to the graph's nodes what the streams set after they
// were made (windows, state), and returns the streams. Call with ssc.mu held.
func (ssc *StreamingContext) syncNodes() []*DStream {
	for _, d := range ssc.streams {
		d.node.Window, d.node.Stateful = durMS(d.windowExtra), d.state != nil
	}
	return ssc.streams
}
