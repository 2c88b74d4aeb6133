package engine

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

// eventLog is a listener of every event, writing one line per event.
type eventLog struct {
	mu    sync.Mutex
	lines []string
}

func (e *eventLog) add(format string, args ...any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.lines = append(e.lines, fmt.Sprintf(format, args...))
}

func (e *eventLog) get() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.lines...)
}

func (e *eventLog) OnStreamingStarted(StreamingStartedInfo) { e.add("streaming started") }
func (e *eventLog) OnBatchSubmitted(i BatchInfo) {
	e.add("batch submitted %v: %d records %v", i.BatchTime, i.Records, i.Inputs)
}
func (e *eventLog) OnBatchStarted(i BatchInfo) { e.add("batch started %v", i.BatchTime) }
func (e *eventLog) OnOutputOperationStarted(o OutputOperationInfo) {
	e.add("output %d started %v: %s", o.ID, o.BatchTime, o.Name)
}
func (e *eventLog) OnOutputOperationCompleted(o OutputOperationInfo) {
	status := "ok"
	if o.Err != nil {
		status = "failed"
	}
	if o.EndTime.Before(o.StartTime) || o.Duration() < 0 {
		status += " with a negative duration"
	}
	e.add("output %d completed %v: %s", o.ID, o.BatchTime, status)
}
func (e *eventLog) OnBatchCompleted(i BatchInfo) {
	e.add("batch completed %v: %d operations, failed %v", i.BatchTime, len(i.OutputOperations), i.Err != nil)
}
func (e *eventLog) OnReceiverStarted(r ReceiverInfo) {
	e.add("receiver %d started: %s active %v", r.StreamID, r.Stream, r.Active)
}
func (e *eventLog) OnReceiverError(r ReceiverErrorInfo) {
	e.add("receiver %d error: %s", r.StreamID, r.Msg)
}
func (e *eventLog) OnReceiverStopped(r ReceiverInfo) {
	e.add("receiver %d stopped: %s active %v", r.StreamID, r.Stream, r.Active)
}

// complainingReceiver reports one error when it starts and stores nothing.
type complainingReceiver struct{}

func (complainingReceiver) OnStart(ctx *ReceiverContext) {
	ctx.ReportError("warming up", errors.New("not yet"))
}
func (complainingReceiver) OnStop() {}

func TestListenerEventsInSparkOrder(t *testing.T) {
	ssc := NewStreamingContext("local[2]", "Events", time.Second, WithManualClock(), WithBatchLog(nil))
	q := NewQueue()
	nums := ssc.QueueStream(q, true)
	recv := ssc.ReceiverStream(complainingReceiver{})
	nums.Union(recv).Map(func(x int) int { return 10 / x }).Print()
	nums.Count().ForeachRDD(func(*RDD) {})
	log := &eventLog{}
	ssc.AddStreamingListener(log)
	q.Push(1, 2)
	q.Push(0)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	ssc.Advance(2 * time.Second)
	ssc.Stop(false)
	want := []string{
		"receiver 1 error: warming up",
		"receiver 1 started: ReceiverStream(engine.complainingReceiver) active true",
		"streaming started",
		"batch submitted 1000 ms: 2 records [{0 QueueStream 2} {1 ReceiverStream(engine.complainingReceiver) 0}]",
		"batch started 1000 ms",
		"output 0 started 1000 ms: Print",
		"output 0 completed 1000 ms: ok",
		"output 1 started 1000 ms: ForeachRDD",
		"output 1 completed 1000 ms: ok",
		"batch completed 1000 ms: 2 operations, failed false",
		"batch submitted 2000 ms: 1 records [{0 QueueStream 1} {1 ReceiverStream(engine.complainingReceiver) 0}]",
		"batch started 2000 ms",
		"output 0 started 2000 ms: Print",
		"output 0 completed 2000 ms: failed",
		"output 1 started 2000 ms: ForeachRDD",
		"output 1 completed 2000 ms: ok",
		"batch completed 2000 ms: 2 operations, failed true",
		"receiver 1 stopped: ReceiverStream(engine.complainingReceiver) active false",
	}
	got := log.get()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestBatchInfoCarriesOutputOperations(t *testing.T) {
	ssc := NewStreamingContext("local[2]", "Ops", time.Second, WithManualClock(), WithBatchLog(nil))
	q := NewQueue()
	ssc.QueueStream(q, true).FlatMap(strings.Fields).Map(func(w string) int { return 1 / len(w[1:]) }).Print()
	var infos []BatchInfo
	ssc.AddStreamingListener(OnBatchCompleted(func(i BatchInfo) { infos = append(infos, i) }))
	q.Push("a")
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	defer ssc.Stop(false)
	if err := ssc.Advance(time.Second); err == nil {
		t.Fatal("the batch did not fail")
	}
	if len(infos) != 1 || len(infos[0].OutputOperations) != 1 {
		t.Fatalf("batch infos %+v, want one batch with one output operation", infos)
	}
	op := infos[0].OutputOperations[0]
	if op.Name != "Print" || op.Description != "Print ← Map ← FlatMap ← QueueStream" {
		t.Errorf("operation %q described %q, want Print with its lineage", op.Name, op.Description)
	}
	if op.Err == nil || !strings.Contains(op.Err.Error(), "Map") || op.Err.Error() != infos[0].Err.Error() {
		t.Errorf("operation error %v, want the batch's Map error %v", op.Err, infos[0].Err)
	}
	if op.StartTime.Before(infos[0].ProcessingStart) || op.EndTime.After(infos[0].ProcessingEnd) {
		t.Errorf("operation ran %v..%v outside its batch %v..%v", op.StartTime, op.EndTime, infos[0].ProcessingStart, infos[0].ProcessingEnd)
	}
}

func TestRemoveStreamingListener(t *testing.T) {
	ssc := NewStreamingContext("local[2]", "Remove", time.Second, WithManualClock(), WithBatchLog(nil))
	q := NewQueue()
	ssc.QueueStream(q, true).ForeachRDD(func(*RDD) {})
	var a, b int
	la := OnBatchCompleted(func(BatchInfo) { a++ })
	lb := OnBatchCompleted(func(BatchInfo) { b++ })
	ssc.AddStreamingListener(la)
	ssc.AddStreamingListener(lb)
	log := &eventLog{}
	ssc.AddStreamingListener(log)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	defer ssc.Stop(false)
	ssc.Advance(time.Second)
	ssc.RemoveStreamingListener(la)
	ssc.RemoveStreamingListener(log)
	ssc.RemoveStreamingListener(log) // not registered any longer: nothing happens
	ssc.Advance(time.Second)
	if a != 1 || b != 2 {
		t.Errorf("removed listener heard %d batches, the kept one %d; want 1 and 2", a, b)
	}
	if n := len(log.get()); n != 6 {
		t.Errorf("removed event log heard %d events, want the 6 of the first batch: %q", n, log.get())
	}
}

// panickyListener panics in an optional event.
type panickyListener struct{}

func (panickyListener) OnBatchCompleted(BatchInfo)                   {}
func (panickyListener) OnOutputOperationStarted(OutputOperationInfo) { panic("listener bug") }

func TestPanickingEventListenerIsReported(t *testing.T) {
	var logb strings.Builder
	ssc := NewStreamingContext("local[2]", "Panic", time.Second, WithManualClock(), WithBatchLog(&syncWriter{w: &logb}))
	q := NewQueue()
	ran := false
	ssc.QueueStream(q, true).ForeachRDD(func(*RDD) { ran = true })
	ssc.AddStreamingListener(panickyListener{})
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	defer ssc.Stop(false)
	if err := ssc.Advance(time.Second); err != nil {
		t.Fatalf("the batch failed: %v", err)
	}
	if !ran {
		t.Error("the output operation did not run")
	}
	if want := "panic in the listener's OnOutputOperationStarted: listener bug (the listener stays registered)\n"; !strings.Contains(logb.String(), want) {
		t.Errorf("batch log %q lacks %q", logb.String(), want)
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  *strings.Builder
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// wrapped stands for an interpreted listener as the interpreter hands it to
// compiled code: a StreamingListener and nothing more, whose other methods
// the engine reaches through SetListenerViews.
type wrapped struct{ inner *eventLog }

func (w wrapped) OnBatchCompleted(i BatchInfo) { w.inner.OnBatchCompleted(i) }

// TestListenerViewsHearEveryEvent: a listener reached through its views
// hears every event a compiled listener of the same type hears, in the same
// order.
func TestListenerViewsHearEveryEvent(t *testing.T) {
	run := func(view bool) []string {
		ssc := NewStreamingContext("local[2]", "Views", time.Second, WithManualClock(), WithBatchLog(nil))
		ssc.SetOutput(io.Discard)
		q := NewQueue()
		ssc.QueueStream(q, true).Union(ssc.ReceiverStream(complainingReceiver{})).Print()
		log := &eventLog{}
		if view {
			ssc.SetListenerViews(func(l StreamingListener) []any {
				if w, ok := l.(wrapped); ok {
					return []any{w.inner}
				}
				return nil
			})
			ssc.AddStreamingListener(wrapped{log})
		} else {
			ssc.AddStreamingListener(log)
		}
		q.Push(1)
		if err := ssc.Start(); err != nil {
			t.Fatal(err)
		}
		ssc.Advance(time.Second)
		ssc.Stop(false)
		return log.get()
	}
	direct, viewed := strings.Join(run(false), "\n"), strings.Join(run(true), "\n")
	if !strings.Contains(direct, "output 0 started") || !strings.Contains(direct, "receiver 1 stopped") {
		t.Fatalf("the compiled listener missed events:\n%s", direct)
	}
	if viewed != direct {
		t.Errorf("through its views the listener heard:\n%s\nwant, as compiled:\n%s", viewed, direct)
	}
}
