package ui

import (
	"time"

	"github.com/gostream/gostream/engine/internal/jobset"
)

// The shapes of the engine's receiver and start events (ReceiverInfo,
// ReceiverErrorInfo, StreamingStartedInfo); the batch events' shapes are
// engine/internal/jobset's.
type (
	ReceiverShape interface {
		~struct {
			StreamID int
			Stream   string
			Active   bool
			Time     time.Time
		}
	}
	ReceiverErrorShape interface {
		~struct {
			StreamID int
			Stream   string
			Msg      string
			Err      error
			Time     time.Time
		}
	}
	StartedShape interface {
		~struct{ Time time.Time }
	}
)

// Listener forwards a context's listener events to its App. Instantiated
// with the engine's event types (T its Time, I its StreamInputInfo, O its
// OutputOperationInfo, B its BatchInfo, R its ReceiverInfo, E its
// ReceiverErrorInfo, S its StreamingStartedInfo), it has the methods of
// the engine's listener interfaces, so the context's bus delivers every
// event to it.
type Listener[T jobset.Time, I jobset.InputShape, O jobset.OutputShape[T], B jobset.InfoShape[T, I, O], R ReceiverShape, E ReceiverErrorShape, S StartedShape] struct {
	App *App
	// Streams returns the context's input streams; it is called when the
	// context starts.
	Streams func() []StreamInfo
}

func (l *Listener[T, I, O, B, R, E, S]) OnStreamingStarted(info S) {
	l.App.Started(struct{ Time time.Time }(info).Time, l.Streams())
}

func (l *Listener[T, I, O, B, R, E, S]) OnBatchSubmitted(info B) {
	b := jobset.Info[T, I, O](info)
	l.App.BatchSubmitted(int64(b.BatchTime), b.SubmissionTime, inputCounts(b.Inputs))
}

func (l *Listener[T, I, O, B, R, E, S]) OnBatchStarted(info B) {
	b := jobset.Info[T, I, O](info)
	l.App.BatchStarted(int64(b.BatchTime), b.ProcessingStart)
}

func (l *Listener[T, I, O, B, R, E, S]) OnOutputOperationStarted(o O) {
	op := jobset.OutputInfo[T](o)
	l.App.OpStarted(int64(op.BatchTime), toOp(op))
}

func (l *Listener[T, I, O, B, R, E, S]) OnOutputOperationCompleted(o O) {
	op := jobset.OutputInfo[T](o)
	l.App.OpCompleted(int64(op.BatchTime), toOp(op))
}

func (l *Listener[T, I, O, B, R, E, S]) OnBatchCompleted(info B) {
	i := jobset.Info[T, I, O](info)
	b := Batch{
		Time: int64(i.BatchTime), Submitted: i.SubmissionTime, Started: i.ProcessingStart,
		Ended: i.ProcessingEnd, Records: i.Records, Inputs: inputCounts(i.Inputs),
	}
	for _, o := range i.OutputOperations {
		b.Ops = append(b.Ops, toOp(jobset.OutputInfo[T](o)))
	}
	if i.Err != nil {
		b.Err = i.Err.Error()
	}
	l.App.BatchCompleted(b)
}

func (l *Listener[T, I, O, B, R, E, S]) OnReceiverStarted(info R) {
	r := receiver(info)
	l.App.ReceiverStarted(r.StreamID, r.Stream)
}

func (l *Listener[T, I, O, B, R, E, S]) OnReceiverStopped(info R) {
	r := receiver(info)
	l.App.ReceiverStopped(r.StreamID, r.Stream)
}

func (l *Listener[T, I, O, B, R, E, S]) OnReceiverError(info E) {
	r := receiverError(info)
	msg := r.Msg
	if r.Err != nil {
		msg += ": " + r.Err.Error()
	}
	l.App.ReceiverError(r.StreamID, r.Stream, msg, r.Time)
}

// receiver and receiverError are ReceiverShape's and ReceiverErrorShape's
// fields.
type (
	receiver struct {
		StreamID int
		Stream   string
		Active   bool
		Time     time.Time
	}
	receiverError struct {
		StreamID int
		Stream   string
		Msg      string
		Err      error
		Time     time.Time
	}
)

func inputCounts[I jobset.InputShape](in []I) []int {
	out := make([]int, len(in))
	for i, s := range in {
		out[i] = jobset.InputInfo(s).Records
	}
	return out
}

func toOp[T jobset.Time](o jobset.OutputInfo[T]) Op {
	op := Op{ID: o.ID, Name: o.Name, Description: o.Description, Start: o.StartTime, End: o.EndTime}
	if o.Err != nil {
		op.Err = o.Err.Error()
	}
	return op
}
