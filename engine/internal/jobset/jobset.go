package jobset

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gostream/gostream/engine/internal/checkpoint"
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

// Events tells the listeners of a batch about it.
type Events[T Time, I InputShape, O OutputShape[T]] interface {
	Submitted(info Info[T, I, O])
	Started(info Info[T, I, O])
	OutputStarted(info O)
	OutputCompleted(info O)
	// Completed ends the batch: errs are its job errors.
	Completed(info Info[T, I, O], errs []error)
}

// Context is what generating and running a batch ask of the engine.
type Context[T Time, I InputShape, O OutputShape[T]] interface {
	// Inputs returns the input streams in order, and the checkpointer of
	// their records (nil: none).
	Inputs() ([]Input, *checkpoint.Checkpointer)
	// Outputs returns the output operations in the order registered.
	Outputs() []Output
	// Listen returns the listeners of a batch about to be generated or run.
	Listen() Events[T, I, O]
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
func Generate[T Time, I InputShape, O OutputShape[T]](c Context[T, I, O], t T) *Batch[T, I, O] {
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
	c.Listen().Submitted(Info[T, I, O]{BatchTime: t, SubmissionTime: b.Info.SubmissionTime, Records: b.Info.Records, Inputs: b.Info.Inputs})
	return b
}

// Run runs the jobs of batch b, one per output operation in the order they
// were registered, then forgets what no stream needs any longer.
func Run[T Time, I InputShape, O OutputShape[T]](c Context[T, I, O], b *Batch[T, I, O]) error {
	if b.Deferred {
		submitted := b.Info.SubmissionTime
		b = Generate(c, b.Info.BatchTime)
		b.Info.SubmissionTime = submitted
	}
	info := b.Info
	info.ProcessingStart = time.Now()
	ev := c.Listen()
	ev.Started(info)
	t := info.BatchTime
	ops, errs := runOutputs(t, c.Outputs(), ev)
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
	ev.Completed(info, errs)
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// runOutputs runs the jobs of the batch at t, one per output operation in
// the order they were registered, telling the listeners as each starts and
// ends. It returns what each did and their errors.
func runOutputs[T Time, I InputShape, O OutputShape[T]](t T, outputs []Output, ev Events[T, I, O]) ([]O, []error) {
	infos := make([]O, 0, len(outputs))
	var errs []error
	for i, o := range outputs {
		if !o.Valid(int64(t)) {
			// A windowed output runs only at multiples of its slide.
			continue
		}
		info := OutputInfo[T]{BatchTime: t, ID: i, Name: o.Name(), Description: o.Description(), StartTime: time.Now()}
		ev.OutputStarted(O(info))
		err := o.Run(int64(t))
		info.EndTime = time.Now()
		info.Err = err
		if err != nil {
			errs = append(errs, err)
		}
		ev.OutputCompleted(O(info))
		infos = append(infos, O(info))
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
