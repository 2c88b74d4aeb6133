package ui

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// The engine's event types, as the listener is instantiated with them.
type (
	msTime    int64
	inputInfo struct {
		StreamID int
		Stream   string
		Records  int
	}
	outputInfo struct {
		BatchTime   msTime
		ID          int
		Name        string
		Description string
		StartTime   time.Time
		EndTime     time.Time
		Err         error
	}
	batchInfo struct {
		BatchTime        msTime
		Records          int
		Rate             float64
		SubmissionTime   time.Time
		ProcessingStart  time.Time
		ProcessingEnd    time.Time
		SchedulingDelay  time.Duration
		ProcessingDelay  time.Duration
		TotalDelay       time.Duration
		Err              error
		Inputs           []inputInfo
		OutputOperations []outputInfo
	}
	receiverInfo struct {
		StreamID int
		Stream   string
		Active   bool
		Time     time.Time
	}
	receiverErrorInfo struct {
		StreamID int
		Stream   string
		Msg      string
		Err      error
		Time     time.Time
	}
	startedInfo struct{ Time time.Time }
)

func (t msTime) String() string { return fmt.Sprintf("%d ms", int64(t)) }

type testListener = Listener[msTime, inputInfo, outputInfo, batchInfo, receiverInfo, receiverErrorInfo, startedInfo]

func newTestApp(t *testing.T) *App {
	t.Helper()
	s, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s.Add(AppInfo{Name: "app", Master: "local[2]", BatchInterval: time.Second})
}

func TestListenerBatch(t *testing.T) {
	app := newTestApp(t)
	l := &testListener{App: app, Streams: func() []StreamInfo {
		return []StreamInfo{{ID: 0, Name: "QueueStream"}, {ID: 1, Name: "SocketTextStream(x)", Receiver: true}}
	}}
	t0 := time.Unix(100, 0)
	l.OnStreamingStarted(startedInfo{Time: t0})
	inputs := []inputInfo{{StreamID: 0, Stream: "QueueStream", Records: 3}, {StreamID: 1, Stream: "SocketTextStream(x)", Records: 4}}
	l.OnBatchSubmitted(batchInfo{BatchTime: 1000, SubmissionTime: t0, Records: 7, Inputs: inputs})
	if b, ok := app.batch(1000); !ok || b.Records != 7 || fmt.Sprint(b.Inputs) != "[3 4]" {
		t.Fatalf("submitted batch: got %+v, %v; want 7 records from [3 4]", b, ok)
	}
	l.OnBatchStarted(batchInfo{BatchTime: 1000, SubmissionTime: t0, ProcessingStart: t0.Add(time.Millisecond)})
	op := outputInfo{BatchTime: 1000, ID: 0, Name: "Print", Description: "Print ← QueueStream", StartTime: t0.Add(2 * time.Millisecond)}
	l.OnOutputOperationStarted(op)
	b, _ := app.batch(1000)
	if len(b.Ops) != 1 || b.Ops[0].Name != "Print" || !b.Ops[0].End.IsZero() {
		t.Fatalf("started op: got %+v, want Print running", b.Ops)
	}
	op.EndTime, op.Err = t0.Add(3*time.Millisecond), errors.New("boom")
	l.OnOutputOperationCompleted(op)
	l.OnBatchCompleted(batchInfo{
		BatchTime: 1000, SubmissionTime: t0, ProcessingStart: t0.Add(time.Millisecond), ProcessingEnd: t0.Add(4 * time.Millisecond),
		Records: 7, Inputs: inputs, OutputOperations: []outputInfo{op}, Err: errors.New("boom"),
	})
	b, ok := app.batch(1000)
	if !ok || b.Err != "boom" || len(b.Ops) != 1 || b.Ops[0].Err != "boom" || b.Ops[0].Description != "Print ← QueueStream" || !b.Ended.Equal(t0.Add(4*time.Millisecond)) {
		t.Fatalf("completed batch: got %+v, %v; want it failed with boom, one op", b, ok)
	}
	snap := app.snapshot()
	if len(snap.Streams) != 2 || !snap.Streams[1].Receiver || !snap.Started.Equal(t0) {
		t.Fatalf("streams: got %+v started %v, want 2 with the second a receiver, started %v", snap.Streams, snap.Started, t0)
	}
}

func TestListenerReceiver(t *testing.T) {
	app := newTestApp(t)
	l := &testListener{App: app, Streams: func() []StreamInfo { return nil }}
	l.OnReceiverStarted(receiverInfo{StreamID: 2, Stream: "r", Active: true})
	if s := app.snapshot().Streams; len(s) != 1 || s[0].ID != 2 || !s[0].Active {
		t.Fatalf("after started: got %+v, want stream 2 active", s)
	}
	at := time.Unix(5, 0)
	l.OnReceiverError(receiverErrorInfo{StreamID: 2, Stream: "r", Msg: "reading", Err: errors.New("reset"), Time: at})
	if s := app.snapshot().Streams[0]; s.Errors != 1 || s.LastError != "reading: reset" || !s.LastErrorTime.Equal(at) {
		t.Fatalf("after error: got %+v, want one error \"reading: reset\"", s)
	}
	l.OnReceiverStopped(receiverInfo{StreamID: 2, Stream: "r"})
	if s := app.snapshot().Streams[0]; s.Active {
		t.Fatalf("after stopped: got %+v, want inactive", s)
	}
}
