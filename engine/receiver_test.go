package engine

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// pollUntil waits, at most 10 s, for cond to hold.
func pollUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func manualContext(t testing.TB) *StreamingContext {
	t.Helper()
	ssc := NewStreamingContext("local[2]", t.Name(), Seconds(1), WithManualClock(), WithBatchLog(nil))
	t.Cleanup(func() { ssc.Stop(false) })
	return ssc
}

// batches records what each batch of a stream held.
type batches struct {
	mu    sync.Mutex
	times []Time
	parts [][][]any
}

func collect(d *DStream) *batches {
	b := &batches{}
	d.ForeachRDD(func(r *RDD, t Time) {
		parts := r.Partitions()
		b.mu.Lock()
		defer b.mu.Unlock()
		b.times = append(b.times, t)
		b.parts = append(b.parts, parts)
	})
	return b
}

// elems returns the elements of batch i.
func (b *batches) elems(i int) []any {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := []any{}
	for _, p := range b.parts[i] {
		out = append(out, p...)
	}
	return out
}

func (b *batches) counts() []int {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []int
	for i := range b.parts {
		n := 0
		for _, p := range b.parts[i] {
			n += len(p)
		}
		out = append(out, n)
	}
	return out
}

func (b *batches) all() []any {
	b.mu.Lock()
	n := len(b.parts)
	b.mu.Unlock()
	out := []any{}
	for i := 0; i < n; i++ {
		out = append(out, b.elems(i)...)
	}
	return out
}

// sortedStrings renders elements for multiset comparison.
func sortedStrings(xs []any) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = Format(x)
	}
	sort.Strings(out)
	return out
}

// buffered returns how many records the receiver behind d holds.
func buffered(d *DStream) int {
	return receiverOf(d).src.Buffered()
}

func receiverOf(d *DStream) *receiverSource {
	for _, in := range d.ssc.inputs {
		if in.d == d {
			return in.src.(*receiverSource)
		}
	}
	panic("not a receiver stream: " + d.op)
}

// countingReceiver stores 0..n-1 from a goroutine and counts the records
// Store accepted.
type countingReceiver struct {
	n       int
	stored  atomic.Int64
	stopped atomic.Int64
	err     atomic.Value
	wg      sync.WaitGroup
}

func (r *countingReceiver) OnStart(ctx *ReceiverContext) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		for i := 0; i < r.n; i++ {
			if err := ctx.Store(i); err != nil {
				r.err.Store(err)
				return
			}
			r.stored.Add(1)
		}
	}()
}

func (r *countingReceiver) OnStop() {
	r.stopped.Add(1)
	r.wg.Wait()
}

func TestReceiverStream(t *testing.T) {
	ssc := manualContext(t)
	r := &countingReceiver{n: 10}
	d := ssc.ReceiverStream(r)
	got := collect(d)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	pollUntil(t, "10 records stored", func() bool { return r.stored.Load() == 10 })
	if err := ssc.Advance(Seconds(2)); err != nil {
		t.Fatal(err)
	}
	if want := []int{10, 0}; !reflect.DeepEqual(got.counts(), want) {
		t.Fatalf("records per batch: got %v, want %v", got.counts(), want)
	}
	// Sliced over local[2] like Parallelize: [0..4] and [5..9], in order.
	want := [][]any{{0, 1, 2, 3, 4}, {5, 6, 7, 8, 9}}
	if !reflect.DeepEqual(got.parts[0], want) {
		t.Errorf("partitions: got %v, want %v", got.parts[0], want)
	}
	if name := d.Name(); name != "ReceiverStream(*engine.countingReceiver)" {
		t.Errorf("stream name %q", name)
	}
	ssc.Stop(false)
	if r.stopped.Load() != 1 {
		t.Errorf("OnStop called %d times, want 1", r.stopped.Load())
	}
}

func TestReceiverRateLimit(t *testing.T) {
	tests := []struct {
		name    string
		opts    []ReceiverOption
		ctxRate int
		ctxOpt  bool // set the context's rate with WithReceiverMaxRate instead of SetReceiverMaxRate
		total   int
		want    []int
	}{
		{"MaxRate", []ReceiverOption{MaxRate(10)}, 0, false, 35, []int{10, 10, 10, 5, 0}},
		{"context default", nil, 4, false, 10, []int{4, 4, 2, 0, 0}},
		{"context option", nil, 3, true, 10, []int{3, 3, 3, 1, 0}},
		{"MaxRate overrides default", []ReceiverOption{MaxRate(7)}, 4, false, 10, []int{7, 3, 0, 0, 0}},
		{"no limit", []ReceiverOption{MaxRate(0)}, 4, false, 10, []int{10, 0, 0, 0, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ssc := manualContext(t)
			if tc.ctxOpt {
				ssc = NewStreamingContext("local[2]", t.Name(), Seconds(1), WithManualClock(), WithBatchLog(nil), WithReceiverMaxRate(tc.ctxRate))
				t.Cleanup(func() { ssc.Stop(false) })
			} else if tc.ctxRate > 0 {
				ssc.SetReceiverMaxRate(tc.ctxRate)
			}
			r := &countingReceiver{n: tc.total}
			got := collect(ssc.ReceiverStream(r, tc.opts...))
			if err := ssc.Start(); err != nil {
				t.Fatal(err)
			}
			sum := 0
			for _, n := range tc.want {
				sum += n
				pollUntil(t, fmt.Sprintf("%d records stored", sum), func() bool { return r.stored.Load() >= int64(sum) })
				if err := ssc.Advance(Seconds(1)); err != nil {
					t.Fatal(err)
				}
			}
			if !reflect.DeepEqual(got.counts(), tc.want) {
				t.Fatalf("records per batch: got %v, want %v", got.counts(), tc.want)
			}
		})
	}
}

func TestReceiverBufferBound(t *testing.T) {
	ssc := manualContext(t)
	r := &countingReceiver{n: 7}
	got := collect(ssc.ReceiverStream(r, MaxBufferedRecords(3)))
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []int64{3, 6, 7} {
		pollUntil(t, fmt.Sprintf("%d records stored", want), func() bool { return r.stored.Load() == want })
		if err := ssc.Advance(Seconds(1)); err != nil {
			t.Fatal(err)
		}
	}
	if want := []int{3, 3, 1}; !reflect.DeepEqual(got.counts(), want) {
		t.Fatalf("records per batch: got %v, want %v", got.counts(), want)
	}
}

// errorLog is a StreamingListener that keeps receiver errors.
type errorLog struct {
	mu   sync.Mutex
	errs []ReceiverErrorInfo
}

func (l *errorLog) OnBatchCompleted(BatchInfo) {}
func (l *errorLog) OnReceiverError(info ReceiverErrorInfo) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, info)
}

func (l *errorLog) list() []ReceiverErrorInfo {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]ReceiverErrorInfo(nil), l.errs...)
}

func (l *errorLog) has(substr string) bool {
	for _, e := range l.list() {
		if strings.Contains(e.Error(), substr) {
			return true
		}
	}
	return false
}

// flakyReceiver fails its first start with Restart and stores on the second.
type flakyReceiver struct {
	mu     sync.Mutex
	events []string
	starts int
}

func (r *flakyReceiver) OnStart(ctx *ReceiverContext) {
	r.mu.Lock()
	r.starts++
	n := r.starts
	r.events = append(r.events, fmt.Sprint("start ", n))
	r.mu.Unlock()
	go func() {
		if n == 1 {
			ctx.ReportError("warming up", nil)
			ctx.Restart("lost the source", errors.New("connection reset"))
			if err := ctx.Store("too late"); !errors.Is(err, ErrReceiverStopped) {
				panic(fmt.Sprintf("Store after Restart: got %v, want ErrReceiverStopped", err))
			}
			return
		}
		ctx.StoreAll([]any{"a", "b", "c"})
	}()
}

func (r *flakyReceiver) OnStop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, "stop")
}

func TestReceiverRestartAndReportError(t *testing.T) {
	var logBuf syncBuffer
	ssc := NewStreamingContext("local[2]", "restart", Seconds(1), WithManualClock(), WithBatchLog(&logBuf))
	defer ssc.Stop(false)
	errs := &errorLog{}
	ssc.AddStreamingListener(errs)
	r := &flakyReceiver{}
	d := ssc.ReceiverStream(r, RestartDelay(time.Millisecond))
	got := collect(d)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	pollUntil(t, "records after the restart", func() bool { return buffered(d) == 3 })
	if err := ssc.Advance(Seconds(1)); err != nil {
		t.Fatal(err)
	}
	if want := []string{"a", "b", "c"}; !reflect.DeepEqual(sortedStrings(got.elems(0)), want) {
		t.Errorf("batch: got %v, want %v", got.elems(0), want)
	}
	ssc.Stop(false)
	r.mu.Lock()
	events := strings.Join(r.events, ", ")
	r.mu.Unlock()
	if want := "start 1, stop, start 2, stop"; events != want {
		t.Errorf("life cycle: got %q, want %q", events, want)
	}
	list := errs.list()
	if len(list) != 2 || list[0].Msg != "warming up" || list[1].Msg != "restarting: lost the source" || list[1].Err == nil {
		t.Fatalf("reported errors: %+v", list)
	}
	log := logBuf.take()
	for _, want := range []string{
		"engine: receiver ReceiverStream(*engine.flakyReceiver): warming up\n",
		"engine: receiver ReceiverStream(*engine.flakyReceiver): restarting: lost the source: connection reset\n",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("batch log %q lacks %q", log, want)
		}
	}
}

// burstReceiver stores n records from OnStart's goroutine and signals.
type burstReceiver struct {
	n    int
	done chan struct{}
}

func (r *burstReceiver) OnStart(ctx *ReceiverContext) {
	go func() {
		xs := make([]any, r.n)
		for i := range xs {
			xs[i] = i
		}
		ctx.StoreAll(xs[:r.n/2])
		for _, x := range xs[r.n/2:] {
			ctx.Store(x)
		}
		close(r.done)
	}()
}

func (r *burstReceiver) OnStop() {}

func TestReceiverGracefulStop(t *testing.T) {
	for _, manual := range []bool{true, false} {
		t.Run(fmt.Sprint("manual=", manual), func(t *testing.T) {
			opts := []Option{WithBatchLog(nil)}
			if manual {
				opts = append(opts, WithManualClock())
			}
			ssc := NewStreamingContext("local[2]", "graceful", Milliseconds(50), opts...)
			r := &burstReceiver{n: 1000, done: make(chan struct{})}
			got := collect(ssc.ReceiverStream(r))
			if err := ssc.Start(); err != nil {
				t.Fatal(err)
			}
			<-r.done
			ssc.Stop(true)
			if n := len(got.all()); n != 1000 {
				t.Fatalf("processed %d records, want all 1000 (batches %v)", n, got.counts())
			}
		})
	}
}

// fakeSink records the calls a write-ahead log would get.
type fakeSink struct {
	mu    sync.Mutex
	calls []string
}

func (s *fakeSink) Store(seq uint64, records []any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, fmt.Sprintf("store %d %v", seq, records))
	return nil
}

func (s *fakeSink) Allocated(t int64, from, to uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, fmt.Sprintf("allocated %s [%d,%d)", Time(t), from, to))
	return nil
}

func TestReceiverBlockSink(t *testing.T) {
	ssc := manualContext(t)
	q := make(chan []any, 3)
	d := ssc.ReceiverStream(&chanReceiver{in: q})
	got := collect(d)
	sink := &fakeSink{}
	receiverOf(d).src.SetSink(sink)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	q <- []any{"a", "b"}
	q <- []any{"c"}
	pollUntil(t, "3 records", func() bool { return buffered(d) == 3 })
	ssc.Advance(Seconds(1))
	q <- []any{"d"}
	pollUntil(t, "1 record", func() bool { return buffered(d) == 1 })
	ssc.Advance(Seconds(2))
	want := []string{"store 0 [a b]", "store 2 [c]", "allocated 1000 ms [0,3)", "store 3 [d]", "allocated 2000 ms [3,4)"}
	if !reflect.DeepEqual(sink.calls, want) {
		t.Errorf("sink calls:\n got %q\nwant %q", sink.calls, want)
	}
	if c := got.counts(); !reflect.DeepEqual(c, []int{3, 1, 0}) {
		t.Errorf("records per batch %v", c)
	}
	// Recovery hands back unallocated records and the records of a batch to re-run.
	src := receiverOf(d)
	src.src.Restore(10, []any{"x"}, map[int64][]any{4000: {"re-run"}})
	ssc.Advance(Seconds(1)) // batch 4000 is the restored one
	ssc.Advance(Seconds(1)) // batch 5000 takes the unallocated tail
	if e := got.elems(3); !reflect.DeepEqual(e, []any{"re-run"}) {
		t.Errorf("restored batch: got %v", e)
	}
	if e := got.elems(4); !reflect.DeepEqual(e, []any{"x"}) {
		t.Errorf("unallocated tail: got %v", e)
	}
	if n := src.src.NextSequence(); n != 11 {
		t.Errorf("next sequence %d, want 11", n)
	}
}

// chanReceiver stores what arrives on a channel, each receive with StoreAll.
type chanReceiver struct{ in chan []any }

func (r *chanReceiver) OnStart(ctx *ReceiverContext) {
	go func() {
		for {
			select {
			case xs := <-r.in:
				if ctx.StoreAll(xs) != nil {
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
}

func (r *chanReceiver) OnStop() {}

func TestReceiverOptionErrors(t *testing.T) {
	tests := []struct {
		name string
		f    func(ssc *StreamingContext)
		want string
	}{
		{"nil receiver", func(ssc *StreamingContext) { ssc.ReceiverStream(nil) }, "ReceiverStream: want a Receiver, got nil"},
		{"negative rate", func(ssc *StreamingContext) { ssc.ReceiverStream(&chanReceiver{}, MaxRate(-1)) }, "MaxRate must not be negative, got -1"},
		{"zero line", func(ssc *StreamingContext) { ssc.SocketTextStream("localhost", 1, MaxLineLength(0)) }, "SocketTextStream: MaxLineLength must be positive, got 0"},
		{"bad port", func(ssc *StreamingContext) { ssc.SocketTextStream("localhost", 70000) }, "port 70000 is out of range"},
		{"empty dir", func(ssc *StreamingContext) { ssc.TextFileStream("") }, "TextFileStream: want a directory"},
		{"empty prefix", func(ssc *StreamingContext) { ssc.QueueStream(NewQueue(), true).SaveAsTextFiles("", "") }, "SaveAsTextFiles: want a path prefix"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ssc := manualContext(t)
			defer func() {
				e, ok := recover().(*Error)
				if !ok || !strings.Contains(e.Error(), tc.want) {
					t.Fatalf("got panic %v, want *Error containing %q", e, tc.want)
				}
			}()
			tc.f(ssc)
		})
	}
}

// restlessReceiver restarts itself as soon as it starts.
type restlessReceiver struct {
	starts, stops atomic.Int64
	running       atomic.Int64
	overlap       atomic.Bool
}

func (r *restlessReceiver) OnStart(ctx *ReceiverContext) {
	r.starts.Add(1)
	if r.running.Add(1) != 1 {
		r.overlap.Store(true)
	}
	go ctx.Restart("again", nil)
}

func (r *restlessReceiver) OnStop() {
	r.stops.Add(1)
	r.running.Add(-1)
}

func TestReceiverStopDuringRestarts(t *testing.T) {
	for i := 0; i < 20; i++ {
		ssc := NewStreamingContext("local[2]", "restless", Seconds(1), WithManualClock(), WithBatchLog(nil))
		r := &restlessReceiver{}
		ssc.ReceiverStream(r, RestartDelay(0)).Print()
		if err := ssc.Start(); err != nil {
			t.Fatal(err)
		}
		pollUntil(t, "a few restarts", func() bool { return r.starts.Load() >= int64(1+i%5) })
		ssc.Stop(i%2 == 0)
		if r.starts.Load() != r.stops.Load() || r.overlap.Load() {
			t.Fatalf("OnStart called %d times, OnStop %d times (overlap %v)", r.starts.Load(), r.stops.Load(), r.overlap.Load())
		}
	}
}
