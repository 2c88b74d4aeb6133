package engine

import (
	"errors"
	"fmt"
	"time"

	"github.com/gostream/gostream/engine/internal/source/receiver"
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

type receiverConfig = receiver.Options

// MaxRate limits the receiver to n records a second: Store blocks while the
// limit is reached, so a fast source is slowed down (for a socket, by TCP
// back-pressure) instead of filling memory. 0 means no limit.
func MaxRate(n int) ReceiverOption {
	return func(c *receiverConfig) { c.MaxRate, c.RateSet = n, true }
}

// MaxLineLength sets the longest line, in bytes, that SocketTextStream
// accepts (default 1 MiB). A longer line is reported as an error and skipped.
func MaxLineLength(n int) ReceiverOption { return func(c *receiverConfig) { c.MaxLine = n } }

// RestartDelay sets how long a receiver waits between OnStop and OnStart
// when it restarts, and the first reconnection delay of SocketTextStream
// (default 100 ms; later reconnections back off up to 2 s or the delay).
func RestartDelay(d time.Duration) ReceiverOption {
	return func(c *receiverConfig) { c.RestartDelay = d }
}

// MaxBufferedRecords bounds the records a receiver holds between two
// batches (default 1,000,000): Store blocks when the bound is reached until
// the next batch takes them.
func MaxBufferedRecords(n int) ReceiverOption { return func(c *receiverConfig) { c.MaxBuffered = n } }

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
	c, err := receiver.Apply(opts)
	if err != nil {
		buildErrorf(op, "%v", err)
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
	name := receiver.Name(r)
	return ssc.receiverStreamOf(name, func(c *receiver.Context) { r.OnStart(&ReceiverContext{c: c, name: name}) }, r.OnStop, receiverOptions(op, opts))
}

// receiverStreamOf adds a receiver stream whose receiver is onStart and
// onStop on the internal context (the built-in receivers are).
func (ssc *StreamingContext) receiverStreamOf(name string, onStart func(*receiver.Context), onStop func(), cfg receiverConfig) *DStream {
	s := &receiverSource{ssc: ssc, name: name, cfg: cfg}
	s.src = receiver.New(cfg.Config(), receiver.Hooks{
		OnStart: onStart,
		OnStop:  onStop,
		Report:  s.report,
		Started: s.postReceiverStarted,
		Stopped: s.postReceiverStopped,
	})
	d := ssc.addInput(name, s)
	s.d = d
	return d
}

// receiverSource is a receiver stream's input: engine/internal/source/receiver
// runs the receiver and holds its records; this turns them into batches.
type receiverSource struct {
	ssc  *StreamingContext
	d    *DStream
	name string
	src  *receiver.Source
	cfg  receiverConfig
}

func (s *receiverSource) start(ssc *StreamingContext) error {
	r := receiver.Rate{Limit: s.cfg.Rate(ssc.receiverMaxRate()), Manual: ssc.hand != nil, Clock: ssc.clock, NowMS: int64(ssc.Now())}
	if ssc.backpressure {
		r.Initial, r.Estimator = ssc.bpInitial, newPIDRateEstimator(ssc.batch)
		ssc.AddStreamingListener(&receiverRateListener{s})
	}
	s.src.StartRated(r)
	return nil
}

func (s *receiverSource) stop(bool)     { s.src.Stop() }
func (s *receiverSource) pending() bool { return s.src.Pending() }

func (s *receiverSource) allocate(t Time) (*RDD, int) {
	recs, err := s.src.Allocate(int64(t))
	if err != nil {
		s.report("logging the allocation of batch "+t.String(), err)
	}
	return s.ssc.Parallelize(recs, s.ssc.receiverPartitions()), len(recs)
}

func (s *receiverSource) report(msg string, err error) {
	s.ssc.reportReceiverError(ReceiverErrorInfo{StreamID: s.ssc.inputID(s.d), Stream: s.name, Msg: msg, Err: err, Time: time.Now()})
}

// reportReceiverError writes info to the batch log and tells the listeners
// that implement ReceiverErrorListener.
func (ssc *StreamingContext) reportReceiverError(info ReceiverErrorInfo) {
	ssc.out.Logf("%v\n", info)
	postEvent(ssc, ssc.listenerList(), "OnReceiverError", func(l ReceiverErrorListener) { l.OnReceiverError(info) })
}

// ReceiverContext is a running receiver's connection to the engine.
type ReceiverContext struct {
	c    *receiver.Context
	name string
}

// storeErr is the engine's error for a store's.
func storeErr(stream string, err error) error {
	return receiver.StoreError(stream, err, ErrReceiverStopped)
}

// Store hands one record to the engine; it becomes part of the next batch.
// It blocks while the rate limit or the buffer bound is reached, and returns
// ErrReceiverStopped once the receiver is stopped or restarting.
func (c *ReceiverContext) Store(x any) error { return storeErr(c.name, c.c.Store(x)) }

// StoreAll hands several records to the engine at once; they all become part
// of the same batch. It blocks like Store.
func (c *ReceiverContext) StoreAll(xs []any) error { return storeErr(c.name, c.c.StoreAll(xs)) }

// ReportError reports a problem the receiver can live with: it reaches every
// listener that implements ReceiverErrorListener and the batch log.
func (c *ReceiverContext) ReportError(msg string, err error) { c.c.ReportError(msg, err) }

// Restart reports msg and err, then restarts the receiver in the
// background: this context is closed (Store fails, Done is closed), OnStop
// is called, and after the restart delay OnStart gets a new context.
func (c *ReceiverContext) Restart(msg string, err error) { c.c.Restart(msg, err) }

// IsStopped reports whether this context is stopped: the stream stopped or
// the receiver is restarting.
func (c *ReceiverContext) IsStopped() bool { return c.c.Closed() }

// Done is closed when this context is stopped.
func (c *ReceiverContext) Done() <-chan struct{} { return c.c.Done() }

// Stream returns the name of the receiver's input stream.
func (c *ReceiverContext) Stream() string { return c.name }
