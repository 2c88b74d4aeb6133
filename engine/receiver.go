package engine

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/gostream/gostream/engine/internal/rate"
)

// Receiver is a custom source of records, after Spark's Receiver. The
// engine calls OnStart when the context starts (and again after Restart);
// OnStart must not block: it starts the goroutines that receive data and
// hand it over with ctx.Store, and returns. OnStop is called when the
// context stops or the receiver restarts; it releases what OnStart set up
// (for example, closes a connection so a blocked read returns). Goroutines
// started by OnStart should end when ctx.Done() is closed.
type Receiver interface {
	OnStart(ctx *ReceiverContext)
	OnStop()
}

// ReceiverErrorListener may be implemented by a StreamingListener to hear
// about errors that receivers report (ReportError, Restart).
type ReceiverErrorListener interface {
	OnReceiverError(info ReceiverErrorInfo)
}

// ReceiverErrorInfo describes an error reported by a receiver.
type ReceiverErrorInfo struct {
	StreamID int       // the input stream's number in its context, as in StreamInputInfo
	Stream   string    // the input stream's operation, e.g. "SocketTextStream(localhost:9999)"
	Msg      string    // what the receiver was doing
	Err      error     // the underlying error, if any
	Time     time.Time // when it was reported
}

func (i ReceiverErrorInfo) Error() string {
	if i.Err != nil {
		return fmt.Sprintf("engine: receiver %s: %s: %v", i.Stream, i.Msg, i.Err)
	}
	return fmt.Sprintf("engine: receiver %s: %s", i.Stream, i.Msg)
}

// ErrReceiverStopped is returned by Store and StoreAll once the receiver has
// been stopped (or is restarting); the receiving goroutine should return.
var ErrReceiverStopped = errors.New("engine: receiver stopped")

// ReceiverOption configures a receiver stream: MaxRate, MaxLineLength,
// RestartDelay.
type ReceiverOption func(*receiverConfig)

type receiverConfig struct {
	maxRate      int
	rateSet      bool
	maxLine      int
	restartDelay time.Duration
	maxBuffered  int
}

// MaxRate limits the receiver to n records a second: Store blocks while the
// limit is reached, so a fast source is slowed down (for a socket, by TCP
// back-pressure) instead of filling memory. 0 means no limit.
func MaxRate(n int) ReceiverOption {
	return func(c *receiverConfig) { c.maxRate, c.rateSet = n, true }
}

// MaxLineLength sets the longest line, in bytes, that SocketTextStream
// accepts (default 1 MiB). A longer line is reported as an error and skipped.
func MaxLineLength(n int) ReceiverOption { return func(c *receiverConfig) { c.maxLine = n } }

// RestartDelay sets how long a receiver waits between OnStop and OnStart
// when it restarts, and the first reconnection delay of SocketTextStream
// (default 100 ms; later reconnections back off up to 2 s or the delay).
func RestartDelay(d time.Duration) ReceiverOption {
	return func(c *receiverConfig) { c.restartDelay = d }
}

// MaxBufferedRecords bounds the records a receiver holds between two
// batches (default 1,000,000): Store blocks when the bound is reached until
// the next batch takes them.
func MaxBufferedRecords(n int) ReceiverOption { return func(c *receiverConfig) { c.maxBuffered = n } }

const (
	defaultMaxLine      = 1 << 20
	defaultRestartDelay = 100 * time.Millisecond
	defaultMaxBuffered  = 1_000_000
)

// SetReceiverMaxRate sets the default rate limit, in records a second, of
// every receiver stream of the context that has no MaxRate option (Spark's
// spark.streaming.receiver.maxRate); 0 means no limit.
func (ssc *StreamingContext) SetReceiverMaxRate(n int) {
	if n < 0 {
		buildErrorf("SetReceiverMaxRate", "want a non-negative rate, got %d", n)
	}
	ssc.mu.Lock()
	defer ssc.mu.Unlock()
	ssc.maxRate = n
}

func (ssc *StreamingContext) receiverMaxRate() int {
	ssc.mu.Lock()
	defer ssc.mu.Unlock()
	return ssc.maxRate
}

func receiverOptions(op string, opts []ReceiverOption) receiverConfig {
	c := receiverConfig{maxLine: defaultMaxLine, restartDelay: defaultRestartDelay, maxBuffered: defaultMaxBuffered}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	switch {
	case c.maxRate < 0:
		buildErrorf(op, "MaxRate must not be negative, got %d", c.maxRate)
	case c.maxLine <= 0:
		buildErrorf(op, "MaxLineLength must be positive, got %d", c.maxLine)
	case c.restartDelay < 0:
		buildErrorf(op, "RestartDelay must not be negative, got %v", c.restartDelay)
	case c.maxBuffered <= 0:
		buildErrorf(op, "MaxBufferedRecords must be positive, got %d", c.maxBuffered)
	}
	return c
}

// ReceiverStream returns a stream of the records that r stores. Each batch
// holds every record stored since the previous batch, sliced over the
// default parallelism as Parallelize does.
func (ssc *StreamingContext) ReceiverStream(r Receiver, opts ...ReceiverOption) *DStream {
	const op = "ReceiverStream"
	if r == nil {
		buildErrorf(op, "want a Receiver, got nil")
	}
	return ssc.receiverStream(receiverName(r), r, receiverOptions(op, opts))
}

// receiverName names a receiver stream after the receiver's type; an
// interpreted receiver reaches the engine as the interpreter's generated
// wrapper, whose name would mean nothing to the user.
func receiverName(r Receiver) string {
	t := reflect.TypeOf(r)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if strings.HasPrefix(t.Name(), "_") {
		return "ReceiverStream"
	}
	return fmt.Sprintf("ReceiverStream(%T)", r)
}

func (ssc *StreamingContext) receiverStream(name string, r Receiver, cfg receiverConfig) *DStream {
	src := &receiverSource{ssc: ssc, name: name, recv: r, cfg: cfg, quit: make(chan struct{})}
	src.space = sync.NewCond(&src.mu)
	d := ssc.addInput(name, src)
	src.d = d
	return d
}

// blockSink is where a write-ahead log hooks into receivers. store is called
// with records as they are stored, numbered from seq, before Store or
// StoreAll return: once it returns nil the records count as received, and an
// error makes Store fail. allocated is called when records [from, to) become
// the input of batch t, before the batch runs.
type blockSink interface {
	store(stream string, seq uint64, records []any) error
	allocated(stream string, t Time, from, to uint64) error
}

// receiverSource runs a Receiver and buffers what it stores until the next
// batch. Every record gets a sequence number, 0, 1, 2, ... in storing order,
// which stays stable across batches, so a log can name exactly which
// records each batch took.
type receiverSource struct {
	ssc  *StreamingContext
	d    *DStream
	name string
	recv Receiver
	cfg  receiverConfig

	mu        sync.Mutex
	space     *sync.Cond // signalled when the buffer is emptied or the receiver stops
	buf       []any
	bufFirst  uint64 // sequence number of buf[0]
	lastBatch int    // records in the previous batch, to size the buffer
	nextSeq   uint64
	sink      blockSink
	planned   map[Time][]any // batches restored from a log: allocate returns these
	cur       *ReceiverContext
	stopped   bool
	live      bool // OnStart was called and OnStop not yet
	quit      chan struct{}
	restarts  sync.WaitGroup

	limiter *rate.Limiter
}

// ReceiverContext is a running receiver's connection to the engine.
type ReceiverContext struct {
	src  *receiverSource
	done chan struct{}
	once sync.Once
}

func (s *receiverSource) start(ssc *StreamingContext) error {
	rate := s.cfg.maxRate
	if !s.cfg.rateSet {
		rate = ssc.receiverMaxRate()
	}
	s.limiter = newRateLimiter(rate, ssc)
	s.startBackpressure(ssc)
	s.launch()
	return nil
}

// launch calls OnStart with a fresh context.
func (s *receiverSource) launch() {
	ctx := &ReceiverContext{src: s, done: make(chan struct{})}
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return
	}
	s.cur, s.live = ctx, true
	s.mu.Unlock()
	func() {
		defer func() {
			if r := recover(); r != nil {
				ctx.ReportError("OnStart panicked", fmt.Errorf("%v", r))
			}
		}()
		s.recv.OnStart(ctx)
	}()
	s.postReceiverStarted()
}

// callOnStop calls OnStop once for each OnStart.
func (s *receiverSource) callOnStop() {
	s.mu.Lock()
	live := s.live
	s.live = false
	s.mu.Unlock()
	if !live {
		return
	}
	defer s.postReceiverStopped()
	defer func() {
		if r := recover(); r != nil {
			s.report("OnStop panicked", fmt.Errorf("%v", r))
		}
	}()
	s.recv.OnStop()
}

func (s *receiverSource) stop(graceful bool) {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return
	}
	s.stopped = true
	ctx := s.cur
	close(s.quit)
	s.space.Broadcast()
	s.mu.Unlock()
	if ctx != nil {
		ctx.close()
	}
	s.restarts.Wait() // a restart in progress ends, or has started OnStart
	s.mu.Lock()
	ctx = s.cur
	s.mu.Unlock()
	if ctx != nil {
		ctx.close()
	}
	s.callOnStop()
}

func (s *receiverSource) pending() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.buf) > 0 || len(s.planned) > 0
}

func (s *receiverSource) allocate(t Time) (*RDD, int) {
	var sinkErr error
	s.mu.Lock()
	recs, planned := s.planned[t]
	if planned {
		delete(s.planned, t)
	} else {
		recs = s.buf
		from := s.bufFirst
		s.buf = nil
		s.lastBatch = len(recs)
		s.bufFirst = s.nextSeq
		s.space.Broadcast()
		if s.sink != nil && len(recs) > 0 {
			sinkErr = s.sink.allocated(s.name, t, from, from+uint64(len(recs)))
		}
	}
	s.mu.Unlock()
	if sinkErr != nil {
		s.report("logging the allocation of batch "+t.String(), sinkErr)
	}
	if s.limiter != nil {
		s.limiter.Advance(int64(t))
	}
	return s.ssc.Parallelize(recs, s.ssc.receiverPartitions()), len(recs)
}

// setSink installs a write-ahead log.
func (s *receiverSource) setSink(sink blockSink) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sink = sink
}

// restore hands back, after a restart from a log, records that were stored
// but not yet allocated (numbered from seq), and the records of batches
// that were allocated but not completed, which allocate returns again.
func (s *receiverSource) restore(seq uint64, unallocated []any, batches map[Time][]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = append(append([]any(nil), unallocated...), s.buf...)
	s.bufFirst = seq
	s.nextSeq = max(s.nextSeq, seq+uint64(len(unallocated)))
	if len(batches) > 0 && s.planned == nil {
		s.planned = map[Time][]any{}
	}
	for t, recs := range batches {
		s.planned[t] = recs
	}
}

// nextSequence returns the sequence number the next stored record will get.
func (s *receiverSource) nextSequence() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nextSeq
}

// put appends records to the buffer, waiting for room, and logs them: xs,
// or the single record x when xs is nil.
func (s *receiverSource) put(ctx *ReceiverContext, xs []any, x any) error {
	n := len(xs)
	if xs == nil {
		n = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.buf) > 0 && len(s.buf)+n > s.cfg.maxBuffered && !ctx.closed() {
		s.space.Wait()
	}
	if ctx.closed() {
		return ErrReceiverStopped
	}
	if s.sink != nil {
		recs := xs
		if xs == nil {
			recs = []any{x}
		}
		if err := s.sink.store(s.name, s.nextSeq, recs); err != nil {
			return fmt.Errorf("engine: receiver %s: logging %d records: %w", s.name, n, err)
		}
	}
	if s.buf == nil {
		s.buf = make([]any, 0, min(max(s.lastBatch, 64), s.cfg.maxBuffered))
	}
	if xs == nil {
		s.buf = append(s.buf, x)
	} else {
		s.buf = append(s.buf, xs...)
	}
	s.nextSeq += uint64(n)
	return nil
}

func (s *receiverSource) report(msg string, err error) {
	info := ReceiverErrorInfo{StreamID: s.ssc.inputID(s.d), Stream: s.name, Msg: msg, Err: err, Time: time.Now()}
	ssc := s.ssc
	ssc.outMu.Lock()
	if ssc.batchLog != nil {
		fmt.Fprintf(ssc.batchLog, "%v\n", info)
	}
	ssc.outMu.Unlock()
	postEvent(ssc, ssc.listenerList(), "OnReceiverError", func(l ReceiverErrorListener) { l.OnReceiverError(info) })
}

func (c *ReceiverContext) close() {
	c.once.Do(func() {
		close(c.done)
		c.src.mu.Lock()
		c.src.space.Broadcast()
		c.src.mu.Unlock()
	})
}

func (c *ReceiverContext) closed() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// Store hands one record to the engine; it becomes part of the next batch.
// It blocks while the rate limit or the buffer bound is reached, and returns
// ErrReceiverStopped once the receiver is stopped or restarting.
func (c *ReceiverContext) Store(x any) error {
	if err := c.src.limiter.Take(1, c.done); err != nil {
		return stoppedErr(err)
	}
	return c.src.put(c, nil, x)
}

// StoreAll hands several records to the engine at once; they all become part
// of the same batch. It blocks like Store.
func (c *ReceiverContext) StoreAll(xs []any) error {
	if len(xs) == 0 {
		return nil
	}
	if err := c.src.limiter.Take(len(xs), c.done); err != nil {
		return stoppedErr(err)
	}
	return c.src.put(c, append([]any(nil), xs...), nil)
}

// ReportError reports a problem the receiver can live with: it reaches every
// listener that implements ReceiverErrorListener and the batch log.
func (c *ReceiverContext) ReportError(msg string, err error) { c.src.report(msg, err) }

// Restart reports msg and err, then restarts the receiver in the
// background: this context is closed (Store fails, Done is closed), OnStop
// is called, and after the restart delay OnStart gets a new context.
func (c *ReceiverContext) Restart(msg string, err error) {
	s := c.src
	s.mu.Lock()
	if s.stopped || s.cur != c || c.closed() {
		s.mu.Unlock()
		return
	}
	s.restarts.Add(1)
	s.mu.Unlock()
	c.close()
	s.report("restarting: "+msg, err)
	go func() {
		defer s.restarts.Done()
		s.callOnStop()
		timer := time.NewTimer(s.cfg.restartDelay)
		defer timer.Stop()
		select {
		case <-timer.C:
			s.launch()
		case <-s.quit:
		}
	}()
}

// IsStopped reports whether this context is stopped: the stream stopped or
// the receiver is restarting.
func (c *ReceiverContext) IsStopped() bool { return c.closed() }

// Done is closed when this context is stopped.
func (c *ReceiverContext) Done() <-chan struct{} { return c.done }

// Stream returns the name of the receiver's input stream.
func (c *ReceiverContext) Stream() string { return c.src.name }

func checkDone(done <-chan struct{}) error {
	select {
	case <-done:
		return ErrReceiverStopped
	default:
		return nil
	}
}
