package session

import (
	"context"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gostream/gostream/engine"
)

// TestStreamOutputGoesToTheInputThatStartedIt: a context created in one
// input and started in another prints its batches to the writer of the
// input that started it, also while later inputs run.
func TestStreamOutputGoesToTheInputThatStartedIt(t *testing.T) {
	s, _ := newSession(t)
	var created, starting, later syncBuffer
	s.SetOutput(&created, &created)
	mustEval(t, s, `
ssc := engine.NewStreamingContext("local[2]", "late start", engine.Seconds(1), engine.WithManualClock())
q := engine.NewQueue()
ssc.QueueStream(q, true).Map(strings.ToUpper).Print()`)
	s.SetOutput(&starting, &starting)
	mustEval(t, s, "ssc.Start()")
	s.SetOutput(&later, &later)
	mustEval(t, s, `q.Push("hello")
ssc.Advance(engine.Seconds(1))`)
	want := "-------------------------------------------\nTime: 1000 ms\n-------------------------------------------\nHELLO\n\n"
	if got := starting.String(); got != want {
		t.Errorf("the starting input got %q; want %q", got, want)
	}
	if got := created.String(); got != "" {
		t.Errorf("the creating input got %q; want nothing", got)
	}
	if got := later.String(); got != "" {
		t.Errorf("the later input got %q; want nothing", got)
	}
}

// refusedPort returns a port on 127.0.0.1 where nothing listens: it was
// just bound and closed.
func refusedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

type receiverErrorCounter struct{ n atomic.Int64 }

func (c *receiverErrorCounter) OnBatchCompleted(engine.BatchInfo)        {}
func (c *receiverErrorCounter) OnReceiverError(engine.ReceiverErrorInfo) { c.n.Add(1) }

// TestReceiverErrorsReachStderr: a SocketTextStream whose server refuses
// retries every few milliseconds; the input that started it sees one line
// about it on its stderr, not one per retry, and nothing on its stdout.
func TestReceiverErrorsReachStderr(t *testing.T) {
	s, _ := newSession(t)
	var stdout, stderr syncBuffer
	s.SetOutput(&stdout, &stderr)
	port := refusedPort(t)
	mustEval(t, s, `
ssc := engine.NewStreamingContext("local[2]", "refused", engine.Milliseconds(50))
ssc.SocketTextStream("127.0.0.1", `+strconv.Itoa(port)+`, engine.RestartDelay(time.Millisecond)).Count().Print()`)
	ssc := mustEval(t, s, "ssc").Value.(*engine.StreamingContext)
	var reported receiverErrorCounter
	ssc.AddStreamingListener(&reported)
	mustEval(t, s, "ssc.Start()")
	checkFor(t, 10*time.Second, "five refused connections", func() bool { return reported.n.Load() >= 5 })
	mustEval(t, s, "ssc.Stop(false)")

	lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
	if len(lines) != 1 {
		t.Fatalf("stderr after %d refused connections:\n%s\nwant one line", reported.n.Load(), stderr.String())
	}
	stream := "SocketTextStream(127.0.0.1:" + strconv.Itoa(port) + ")"
	if l := lines[0]; !strings.HasPrefix(l, "receiver error: "+stream+": ") || !strings.Contains(l, "connection refused") {
		t.Errorf("stderr line %q; want \"receiver error: %s: ...connection refused\"", l, stream)
	}
	if strings.Contains(stdout.String(), "receiver error") {
		t.Errorf("receiver error on stdout: %q", stdout.String())
	}
}

// TestReceiverErrorLogInterval: after the interval, the next error is
// reported with the number of errors not shown since the last report.
func TestReceiverErrorLogInterval(t *testing.T) {
	var out syncBuffer
	l := &receiverErrorLog{interval: time.Second, last: map[string]time.Time{}, missed: map[string]int{}}
	l.setOutput(&out)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, e := range []struct {
		stream string
		at     time.Duration
	}{
		{"A", 0}, {"A", 100 * time.Millisecond}, {"B", 200 * time.Millisecond}, {"A", 900 * time.Millisecond},
		{"A", 1100 * time.Millisecond}, {"A", 1200 * time.Millisecond},
	} {
		l.OnReceiverError(engine.ReceiverErrorInfo{Stream: e.stream, Msg: "connecting", Err: net.ErrClosed, Time: t0.Add(e.at)})
	}
	want := "receiver error: A: connecting: use of closed network connection\n" +
		"receiver error: B: connecting: use of closed network connection\n" +
		"receiver error: A: connecting: use of closed network connection (2 more since the last report)\n"
	if got := out.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestBatchErrorsReachStderr: a batch of a running stream whose function
// panics is reported on the stderr of the input that started the stream,
// with where the function panicked, while nothing waits for the stream.
func TestBatchErrorsReachStderr(t *testing.T) {
	s, _ := newSession(t)
	var stdout, stderr syncBuffer
	s.SetOutput(&stdout, &stderr)
	mustEval(t, s, `ssc := engine.NewStreamingContext("local[2]", "failing", engine.Milliseconds(100))
ssc.RateStream(50).Map(func(line string) int {
	panic("bad line")
}).Print()
ssc.Start()`)
	s.SetOutput(&syncBuffer{}, &syncBuffer{})
	checkFor(t, 10*time.Second, "a batch error on stderr", func() bool {
		return strings.Contains(stderr.String(), "\n")
	})
	s.StopStreams(false)
	lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
	if !strings.HasPrefix(lines[0], "batch error: engine: Map at ") || !strings.HasSuffix(lines[0], "bad line") {
		t.Errorf("first stderr line %q; want \"batch error: engine: Map at ...: bad line\"", lines[0])
	}
	if len(lines) < 2 || !strings.HasPrefix(lines[1], "\t3:") || !strings.Contains(lines[1], ": panic: ") {
		t.Errorf("stderr %q; want the error followed by the frame of the function (\"\\t3:...: panic: ...\")", stderr.String())
	}
	if strings.Contains(stdout.String(), "batch error") {
		t.Errorf("batch error on stdout: %q", stdout.String())
	}
}

// TestBatchErrorShownOnce: Advance returns the error of the batch it ran;
// when that error was just written as a batch error, the input shows no
// value, and when it was not (the interval has not passed), the input
// fails with the error.
func TestBatchErrorShownOnce(t *testing.T) {
	defer func(d time.Duration) { ReceiverErrorInterval = d }(ReceiverErrorInterval)
	ReceiverErrorInterval = time.Hour
	s, out := newSession(t)
	mustEval(t, s, `ssc := engine.NewStreamingContext("local[2]", "manual", engine.Seconds(1), engine.WithManualClock())
q := engine.NewQueue()
ssc.QueueStream(q, true).Map(func(x int) int { return 10 / x }).Print()
ssc.Start()
q.Push(0)
q.Push(0)`)
	out.Reset()
	if r := mustEval(t, s, "ssc.Advance(engine.Seconds(1))"); r.HasValue {
		t.Errorf("Advance shows %q, already reported", r.Text)
	}
	if got := out.String(); !strings.HasPrefix(got, "batch error: engine: Map at 1000 ms: ") || strings.Count(got, "batch error") != 1 {
		t.Errorf("output %q; want one batch error of the batch at 1000 ms", got)
	}
	out.Reset()
	if _, err := s.Eval(context.Background(), "ssc.Advance(engine.Seconds(1))"); err == nil ||
		!strings.HasPrefix(err.Error(), "engine.Error: 1:1: engine: Map at 2000 ms: ") {
		t.Errorf("second Advance fails with %v; want the error of the batch at 2000 ms", err)
	}
	if got := out.String(); got != "" {
		t.Errorf("second batch error written within the interval: %q", got)
	}
}

// TestUnreportedBatchErrorsOnStop: failed batches left unwritten by the
// interval are counted when their context stops.
func TestUnreportedBatchErrorsOnStop(t *testing.T) {
	defer func(d time.Duration) { ReceiverErrorInterval = d }(ReceiverErrorInterval)
	ReceiverErrorInterval = time.Hour
	s, out := newSession(t)
	mustEval(t, s, `ssc := engine.NewStreamingContext("local[2]", "Many", engine.Seconds(1), engine.WithManualClock())
q := engine.NewQueue()
ssc.QueueStream(q, true).Map(func(x int) int { return 10 / x }).Print()
ssc.Start()
q.Push(0)
q.Push(0)
q.Push(0)
ssc.Advance(engine.Seconds(3))
ssc.Stop(false)`)
	if n := strings.Count(out.String(), "batch error: engine: Map"); n != 1 {
		t.Errorf("%d batch errors written in the interval; want 1:\n%s", n, out)
	}
	s.Streams()
	if want := "batch error: 2 more failed batches of Many since the last report\n"; !strings.HasSuffix(out.String(), want) {
		t.Errorf("output after the stop:\n%s\nwant it to end with %q", out, want)
	}
	if s.FailedBatches() != 3 {
		t.Errorf("FailedBatches() = %d; want 3", s.FailedBatches())
	}
}
