package engine

import (
	"io"
	"time"

	"github.com/gostream/gostream/engine/internal/scheduler"
)

// Spark's streaming listener events. StreamingListener (batch completed) is
// the one every listener implements; a listener hears about the other
// events by implementing the interfaces below as well, which the engine
// looks for with a type assertion at every event:
//
//	StreamingStartedListener          the context started
//	BatchSubmittedListener            a batch was generated
//	BatchStartedListener              a batch's first job starts
//	OutputOperationStartedListener    one output operation of a batch starts
//	OutputOperationCompletedListener  it ended (with its error, if any)
//	StreamingListener                 the batch completed
//	ReceiverStartedListener           a receiver's OnStart returned
//	ReceiverErrorListener             a receiver reported an error
//	ReceiverStoppedListener           a receiver's OnStop returned
//
// Batch events of one context come in batch order from one goroutine at a
// time; receiver events come from the receiver's goroutines. A listener that
// panics is reported on the batch log and does not fail the batch.

// StreamingStartedListener hears when a context starts.
type StreamingStartedListener interface {
	OnStreamingStarted(info StreamingStartedInfo)
}

// StreamingStartedInfo describes a context that started.
type StreamingStartedInfo struct {
	Time time.Time // when Start was called
}

// OutputOperationStartedListener hears when an output operation of a batch
// starts running.
type OutputOperationStartedListener interface {
	OnOutputOperationStarted(info OutputOperationInfo)
}

// OutputOperationCompletedListener hears when an output operation of a
// batch has run, successfully or not.
type OutputOperationCompletedListener interface {
	OnOutputOperationCompleted(info OutputOperationInfo)
}

// ReceiverStartedListener hears when a receiver has started (its OnStart
// returned), also after a restart.
type ReceiverStartedListener interface {
	OnReceiverStarted(info ReceiverInfo)
}

// ReceiverStoppedListener hears when a receiver has stopped (its OnStop
// returned), when the context stops or the receiver restarts.
type ReceiverStoppedListener interface {
	OnReceiverStopped(info ReceiverInfo)
}

// StreamInputInfo is one input stream's share of a batch, after Spark's
// StreamInputInfo.
type StreamInputInfo struct {
	StreamID int    // the input stream's number in its context, from 0 in creation order
	Stream   string // its operation, e.g. "SocketTextStream(localhost:9999)"
	Records  int    // the records it put into the batch
}

// OutputOperationInfo describes one output operation's job in a batch, after
// Spark's OutputOperationInfo.
type OutputOperationInfo struct {
	BatchTime Time
	ID        int    // the output operation's number, from 0 in the order they were registered
	Name      string // the operation: "Print", "ForeachRDD", "SaveAsTextFiles", ...
	// Description is the chain of streams the operation reads, newest
	// first: "Print ← ReduceByKey ← Map ← FlatMap ← SocketTextStream(localhost:9999)".
	Description string
	StartTime   time.Time // zero in OnOutputOperationStarted's info until it starts
	EndTime     time.Time // zero until it ends
	Err         error     // why it failed; nil when it succeeded
}

// Duration is how long the operation ran; 0 before it ended.
func (o OutputOperationInfo) Duration() time.Duration {
	if o.EndTime.IsZero() {
		return 0
	}
	return o.EndTime.Sub(o.StartTime)
}

// ReceiverInfo describes a receiver, after Spark's ReceiverInfo.
type ReceiverInfo struct {
	StreamID int    // its input stream's number in the context
	Stream   string // its input stream's operation
	Active   bool   // running (between OnStart and OnStop)
	Time     time.Time
}

// RemoveStreamingListener unregisters l, added by AddStreamingListener; it
// hears no event that starts after RemoveStreamingListener returns. Removing
// a listener that is not registered does nothing.
func (ssc *StreamingContext) RemoveStreamingListener(l StreamingListener) { ssc.bus.Remove(l) }

// funcListener is the StreamingListener of OnBatchCompleted: a pointer, so
// that RemoveStreamingListener can find it.
type funcListener struct{ f func(BatchInfo) }

func (l *funcListener) OnBatchCompleted(info BatchInfo) { l.f(info) }

// postStreamingStarted tells the listeners the context started at t.
func (ssc *StreamingContext) postStreamingStarted(t time.Time) {
	postEvent(ssc, ssc.listenerList(), "OnStreamingStarted", func(l StreamingStartedListener) {
		l.OnStreamingStarted(StreamingStartedInfo{Time: t})
	})
}

func (j jobs) Listeners() (*scheduler.Bus[StreamingListener], []StreamingListener) {
	return j.ssc.bus, j.ssc.listenerList()
}

// Completed keeps a batch's info for LastBatch and writes its batch log
// lines.
func (j jobs) Completed(info batchInfo, errs []error) {
	ssc := j.ssc
	ssc.mu.Lock()
	ssc.last, ssc.hasLast = BatchInfo(info), true
	ssc.mu.Unlock()
	ssc.out.Log(func(w io.Writer) { info.Log(w, errs) })
}

// inputID returns the number of the input stream d in its context; -1 when
// d is not an input stream.
func (ssc *StreamingContext) inputID(d *DStream) int { return ssc.graph.InputID(d.node) }

// postReceiverStarted and postReceiverStopped tell the listeners about a
// receiver that started or stopped.
func (s *receiverSource) postReceiverStarted() { s.postReceiver(true) }
func (s *receiverSource) postReceiverStopped() { s.postReceiver(false) }

func (s *receiverSource) postReceiver(active bool) {
	ssc := s.ssc
	info := ReceiverInfo{StreamID: ssc.inputID(s.d), Stream: s.name, Active: active, Time: time.Now()}
	if active {
		postEvent(ssc, ssc.listenerList(), "OnReceiverStarted", func(l ReceiverStartedListener) { l.OnReceiverStarted(info) })
	} else {
		postEvent(ssc, ssc.listenerList(), "OnReceiverStopped", func(l ReceiverStoppedListener) { l.OnReceiverStopped(info) })
	}
}
