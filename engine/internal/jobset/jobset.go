package jobset

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gostream/gostream/engine/internal/checkpoint"
	"github.com/gostream/gostream/engine/internal/scheduler"
)

// Time is the engine's batch time: milliseconds, printed as the engine
// prints them.
type Time interface {
	~int64
	String() string
}

// InputInfo is one input stream's share of a batch.
type InputInfo struct {
	StreamID int
	Stream   string
	Records  int
}

// OutputInfo is one output operation's job in a batch.
type OutputInfo[T Time] struct {
	BatchTime   T
	ID          int
	Name        string
	Description string
	StartTime   time.Time
	EndTime     time.Time
	Err         error
}

// InputShape and OutputShape are the engine's types of InputInfo's and
// OutputInfo[T]'s shape.
type (
	InputShape interface {
		~struct {
			StreamID int
			Stream   string
			Records  int
		}
	}
	OutputShape[T Time] interface {
		~struct {
			BatchTime   T
			ID          int
			Name        string
			Description string
			StartTime   time.Time
			EndTime     time.Time
			Err         error
		}
	}
)

// Info is a batch and how long it took, field for field the engine's
// BatchInfo.
type Info[T Time, I InputShape, O OutputShape[T]] struct {
	BatchTime        T
	Records          int
	Rate             float64
	SubmissionTime   time.Time
	ProcessingStart  time.Time
	ProcessingEnd    time.Time
	SchedulingDelay  time.Duration
	ProcessingDelay  time.Duration
	TotalDelay       time.Duration
	Err              error
	Inputs           []I
	OutputOperations []O
}

// Batch is a generated batch waiting to run.
type Batch[T Time, I InputShape, O OutputShape[T]] struct {
	Info Info[T, I, O] // the time, submission time, records, inputs and rate
	// Deferred is a cluster member's batch, generated when it runs.
	Deferred bool
}

// Input is an input stream of the batch.
type Input interface {
	// Name is the stream's operation.
	Name() string
	// Allocate hands the stream its data for batch t and returns the
	// number of records and the rate limit in force (records/s; 0: none).
	Allocate(t int64) (records int, rate float64)
}

// Output is an output operation of the batch.
type Output interface {
	Name() string
	// Description is the chain of streams the operation reads.
	Description() string
	// Valid reports whether the operation runs at t.
	Valid(t int64) bool
	// Run runs the operation's job for batch t.
	Run(t int64) error
}

// InfoShape is the engine's type of Info's shape (BatchInfo).
type InfoShape[T Time, I InputShape, O OutputShape[T]] interface {
	~struct {
		BatchTime        T
		Records          int
		Rate             float64
		SubmissionTime   time.Time
		ProcessingStart  time.Time
		ProcessingEnd    time.Time
		SchedulingDelay  time.Duration
		ProcessingDelay  time.Duration
		TotalDelay       time.Duration
		Err              error
		Inputs           []I
		OutputOperations []O
	}
}

// The listener methods a batch's events call, as the engine's listener
// interfaces declare them, with B its BatchInfo and O its
// OutputOperationInfo.
type (
	submittedListener[B any]       interface{ OnBatchSubmitted(info B) }
	startedListener[B any]         interface{ OnBatchStarted(info B) }
	outputStartedListener[O any]   interface{ OnOutputOperationStarted(info O) }
	outputCompletedListener[O any] interface{ OnOutputOperationCompleted(info O) }
	completedListener[B any]       interface{ OnBatchCompleted(info B) }
)

// Context is what generating and running a batch ask of the engine.
type Context[T Time, I InputShape, O OutputShape[T], B InfoShape[T, I, O], L any] interface {
	// Inputs returns the input streams in order, and the checkpointer of
	// their records (nil: none).
	Inputs() ([]Input, *checkpoint.Checkpointer)
	// Outputs returns the output operations in the order registered.
	Outputs() []Output
	// Listeners returns the listener bus and the listeners of a batch about
	// to be generated or run.
	Listeners() (*scheduler.Bus[L], []L)
	// Completed is called once batch info ran with errs, before its
	// listeners hear of it.
	Completed(info Info[T, I, O], errs []error)
	// Begin and End open and close a batch's transaction: Begin before its
	// inputs are allocated, End after its jobs ran, with their errors,
	// returning the batch's errors.
	Begin(t T)
	End(t T, errs []error) []error
	// Fail reports the batch's first error.
	Fail(err error)
	// Clear forgets what no stream needs after batch t.
	Clear(t T)
}

// Generate allocates the input of batch t.
func Generate[T Time, I InputShape, O OutputShape[T], B InfoShape[T, I, O], L any](c Context[T, I, O, B, L], t T) *Batch[T, I, O] {
	b := &Batch[T, I, O]{Info: Info[T, I, O]{BatchTime: t, SubmissionTime: time.Now()}}
	c.Begin(t)
	inputs, ck := c.Inputs()
	var recs []checkpoint.Batch
	for i, in := range inputs {
		n, rate := in.Allocate(int64(t))
		b.Info.Records += n
		b.Info.Inputs = append(b.Info.Inputs, I(InputInfo{StreamID: i, Stream: in.Name(), Records: n}))
		b.Info.Rate += rate
		if ck != nil {
			recs = append(recs, ck.Record(i, int64(t), n))
		}
	}
	if ck != nil {
		ck.Generated(int64(t), recs)
	}
	submitted := B(Info[T, I, O]{BatchTime: t, SubmissionTime: b.Info.SubmissionTime, Records: b.Info.Records, Inputs: b.Info.Inputs})
	bus, listeners := c.Listeners()
	scheduler.Post(bus, listeners, "OnBatchSubmitted", func(l submittedListener[B]) { l.OnBatchSubmitted(submitted) })
	return b
}

// Run runs the jobs of batch b, one per output operation in the order they
// were registered, then forgets what no stream needs any longer.
func Run[T Time, I InputShape, O OutputShape[T], B InfoShape[T, I, O], L any](c Context[T, I, O, B, L], b *Batch[T, I, O]) error {
	if b.Deferred {
		submitted := b.Info.SubmissionTime
		b = Generate[T, I, O, B, L](c, b.Info.BatchTime)
		b.Info.SubmissionTime = submitted
	}
	info := b.Info
	info.ProcessingStart = time.Now()
	bus, listeners := c.Listeners()
	started := B(info)
	scheduler.Post(bus, listeners, "OnBatchStarted", func(l startedListener[B]) { l.OnBatchStarted(started) })
	t := info.BatchTime
	ops, errs := runOutputs[T, I, O](t, c.Outputs(), bus, listeners)
	errs = c.End(t, errs)
	info.OutputOperations = ops
	info.ProcessingEnd = time.Now()
	info.SchedulingDelay = info.ProcessingStart.Sub(info.SubmissionTime)
	info.ProcessingDelay = info.ProcessingEnd.Sub(info.ProcessingStart)
	info.TotalDelay = info.ProcessingEnd.Sub(info.SubmissionTime)
	if len(errs) > 0 {
		info.Err = errors.Join(errs...)
		c.Fail(errs[0])
	}
	c.Clear(t)
	c.Completed(info, errs)
	completed := B(info)
	scheduler.Post(bus, listeners, "OnBatchCompleted", func(l completedListener[B]) { l.OnBatchCompleted(completed) })
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// runOutputs runs the jobs of the batch at t, one per output operation in
// the order they were registered, telling the listeners as each starts and
// ends. It returns what each did and their errors.
func runOutputs[T Time, I InputShape, O OutputShape[T], L any](t T, outputs []Output, bus *scheduler.Bus[L], listeners []L) ([]O, []error) {
	infos := make([]O, 0, len(outputs))
	var errs []error
	for i, o := range outputs {
		if !o.Valid(int64(t)) {
			// A windowed output runs only at multiples of its slide.
			continue
		}
		info := OutputInfo[T]{BatchTime: t, ID: i, Name: o.Name(), Description: o.Description(), StartTime: time.Now()}
		started := O(info)
		scheduler.Post(bus, listeners, "OnOutputOperationStarted", func(l outputStartedListener[O]) { l.OnOutputOperationStarted(started) })
		err := o.Run(int64(t))
		info.EndTime = time.Now()
		info.Err = err
		if err != nil {
			errs = append(errs, err)
		}
		completed := O(info)
		scheduler.Post(bus, listeners, "OnOutputOperationCompleted", func(l outputCompletedListener[O]) { l.OnOutputOperationCompleted(completed) })
		infos = append(infos, completed)
	}
	return infos, errs
}

// Log writes the batch log lines of a batch that ran with errs: one per
// error, then its total delay.
func (info *Info[T, I, O]) Log(w io.Writer, errs []error) {
	for _, err := range errs {
		fmt.Fprintf(w, "Error running job for time %s: %v\n", info.BatchTime, err)
	}
	rate := ""
	if info.Rate > 0 {
		rate = fmt.Sprintf(", rate: %.0f records/s", info.Rate)
	}
	fmt.Fprintf(w, "Total delay: %.3f s for time %s (execution: %.3f s%s)\n",
		info.TotalDelay.Seconds(), info.BatchTime, info.ProcessingDelay.Seconds(), rate)
}
