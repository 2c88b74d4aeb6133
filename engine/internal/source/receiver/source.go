package receiver

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gostream/gostream/engine/internal/rate"
)

// ErrStopped is what a Context's stores return once it is closed: the
// source stopped or the receiver is restarting.
var ErrStopped = errors.New("receiver: stopped")

// LogError is a Sink's failure to take records: the store failed and the
// records are not kept.
type LogError struct {
	Records int   // how many records the store held
	Err     error // the sink's error (ErrStopped once a Log is closed)
}

func (e *LogError) Error() string {
	return fmt.Sprintf("logging %d records: %v", e.Records, e.Err)
}

func (e *LogError) Unwrap() error { return e.Err }

// Sink is where a write-ahead log hooks into a Source. Store is called with
// records as they are stored, numbered from seq, before the store returns:
// once it returns nil the records count as received. Allocated is called
// when records [from, to) become the input of batch t, before the batch
// runs.
type Sink interface {
	Store(seq uint64, records []any) error
	Allocated(t int64, from, to uint64) error
}

// Config is what a Source is built with.
type Config struct {
	MaxBuffered  int           // the most records held between two batches
	RestartDelay time.Duration // between OnStop and OnStart on Restart
}

// Hooks are the caller's side of a Source. OnStart and OnStop are the
// receiver's; Report hears of the errors it can live with; Started and
// Stopped, when set, hear of each OnStart and OnStop.
type Hooks struct {
	OnStart func(*Context)
	OnStop  func()
	Report  func(msg string, err error)
	Started func()
	Stopped func()
}

// Source runs one receiver and buffers what it stores until the next batch.
type Source struct {
	cfg   Config
	hooks Hooks

	mu        sync.Mutex
	space     *sync.Cond // signalled when the buffer is emptied or a context closes
	buf       []any
	bufFirst  uint64 // sequence number of buf[0]
	lastBatch int    // records in the previous batch, to size the buffer
	nextSeq   uint64
	sink      Sink
	planned   map[int64][]any // batches restored from a log: Allocate returns these
	cur       *Context
	stopped   bool
	live      bool // OnStart was called and OnStop not yet
	quit      chan struct{}
	restarts  sync.WaitGroup

	limiter *rate.Limiter
	est     *rate.PID // the backpressure estimator (StartRated); nil: none
}

// New returns a Source that runs a receiver through h once started.
func New(cfg Config, h Hooks) *Source {
	s := &Source{cfg: cfg, hooks: h, quit: make(chan struct{})}
	s.space = sync.NewCond(&s.mu)
	return s
}

// Start calls OnStart with a fresh Context; stores then wait on l (nil:
// no limit).
func (s *Source) Start(l *rate.Limiter) {
	s.mu.Lock()
	s.limiter = l
	s.mu.Unlock()
	s.launch()
}

// Limiter is the limiter given to Start.
func (s *Source) Limiter() *rate.Limiter {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limiter
}

// launch calls OnStart with a fresh context.
func (s *Source) launch() {
	ctx := &Context{src: s, done: make(chan struct{})}
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
				s.report("OnStart panicked", fmt.Errorf("%v", r))
			}
		}()
		s.hooks.OnStart(ctx)
	}()
	if s.hooks.Started != nil {
		s.hooks.Started()
	}
}

// callOnStop calls OnStop once for each OnStart.
func (s *Source) callOnStop() {
	s.mu.Lock()
	live := s.live
	s.live = false
	s.mu.Unlock()
	if !live {
		return
	}
	if s.hooks.Stopped != nil {
		defer s.hooks.Stopped()
	}
	defer func() {
		if r := recover(); r != nil {
			s.report("OnStop panicked", fmt.Errorf("%v", r))
		}
	}()
	s.hooks.OnStop()
}

// Stop closes the current context, waits for a restart in progress and
// calls OnStop. What was stored stays for Allocate.
func (s *Source) Stop() {
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

// Pending reports whether records wait for a batch.
func (s *Source) Pending() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.buf) > 0 || len(s.planned) > 0
}

// Buffered is the number of records stored and not yet allocated.
func (s *Source) Buffered() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.buf)
}

// Allocate returns the records of batch t: a restored batch's, or those
// stored since the previous batch. The error is the sink's, which the
// records are returned despite. It moves a manual limiter to t.
func (s *Source) Allocate(t int64) ([]any, error) {
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
			sinkErr = s.sink.Allocated(t, from, from+uint64(len(recs)))
		}
	}
	l := s.limiter
	s.mu.Unlock()
	if l != nil {
		l.Advance(t)
	}
	return recs, sinkErr
}

// SetSink installs a write-ahead log.
func (s *Source) SetSink(sink Sink) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sink = sink
}

// Restore hands back, after a restart from a log, records that were stored
// but not yet allocated (numbered from seq), and the records of batches
// that were allocated but not completed, which Allocate returns again.
func (s *Source) Restore(seq uint64, unallocated []any, batches map[int64][]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = append(append([]any(nil), unallocated...), s.buf...)
	s.bufFirst = seq
	s.nextSeq = max(s.nextSeq, seq+uint64(len(unallocated)))
	if len(batches) > 0 && s.planned == nil {
		s.planned = map[int64][]any{}
	}
	for t, recs := range batches {
		s.planned[t] = recs
	}
}

// NextSequence returns the sequence number the next stored record will get.
func (s *Source) NextSequence() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nextSeq
}

// put appends records to the buffer, waiting for room, and logs them: xs,
// or the single record x when xs is nil.
func (s *Source) put(ctx *Context, xs []any, x any) error {
	n := len(xs)
	if xs == nil {
		n = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.buf) > 0 && len(s.buf)+n > s.cfg.MaxBuffered && !ctx.Closed() {
		s.space.Wait()
	}
	if ctx.Closed() {
		return ErrStopped
	}
	if s.sink != nil {
		recs := xs
		if xs == nil {
			recs = []any{x}
		}
		if err := s.sink.Store(s.nextSeq, recs); err != nil {
			return &LogError{Records: n, Err: err}
		}
	}
	if s.buf == nil {
		s.buf = make([]any, 0, min(max(s.lastBatch, 64), s.cfg.MaxBuffered))
	}
	if xs == nil {
		s.buf = append(s.buf, x)
	} else {
		s.buf = append(s.buf, xs...)
	}
	s.nextSeq += uint64(n)
	return nil
}

func (s *Source) report(msg string, err error) {
	if s.hooks.Report != nil {
		s.hooks.Report(msg, err)
	}
}

// Context is a running receiver's connection to its Source, from one
// OnStart to its close.
type Context struct {
	src  *Source
	done chan struct{}
	once sync.Once
}

func (c *Context) close() {
	c.once.Do(func() {
		close(c.done)
		c.src.mu.Lock()
		c.src.space.Broadcast()
		c.src.mu.Unlock()
	})
}

// Closed reports whether the context is closed.
func (c *Context) Closed() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// Done is closed when the context is closed.
func (c *Context) Done() <-chan struct{} { return c.done }

// stopped is the store's error for a limiter's.
func stopped(err error) error {
	if errors.Is(err, rate.ErrStopped) {
		return ErrStopped
	}
	return err
}

// Store stores one record.
func (c *Context) Store(x any) error {
	if err := c.src.limiter.Take(1, c.done); err != nil {
		return stopped(err)
	}
	return c.src.put(c, nil, x)
}

// StoreAll stores xs (copied) at once: they all go to the same batch.
func (c *Context) StoreAll(xs []any) error {
	if len(xs) == 0 {
		return nil
	}
	if err := c.src.limiter.Take(len(xs), c.done); err != nil {
		return stopped(err)
	}
	return c.src.put(c, append([]any(nil), xs...), nil)
}

// StoreSome stores (a copy of) as many of xs, from the front, as the rate
// limit lets go now, at least one, and returns how many it stored.
func (c *Context) StoreSome(xs []any) (int, error) {
	if len(xs) == 0 {
		return 0, nil
	}
	k, err := c.src.limiter.TakeSome(len(xs), c.done)
	if err != nil {
		return 0, stopped(err)
	}
	if err := c.src.put(c, append([]any(nil), xs[:k]...), nil); err != nil {
		return 0, err
	}
	return k, nil
}

// Chunk is how many records a store should hold at most, up to n, so that
// the rate limit still spreads them over batches (rate.Limiter.Chunk).
func (c *Context) Chunk(n int) int { return c.src.limiter.Chunk(n) }

// ReportError reports a problem the receiver can live with.
func (c *Context) ReportError(msg string, err error) { c.src.report(msg, err) }

// Restart reports msg and err, then restarts the receiver in the
// background: this context is closed, OnStop is called, and after the
// restart delay OnStart gets a new context. It does nothing when the
// context is closed already.
func (c *Context) Restart(msg string, err error) {
	s := c.src
	s.mu.Lock()
	if s.stopped || s.cur != c || c.Closed() {
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
		timer := time.NewTimer(s.cfg.RestartDelay)
		defer timer.Stop()
		select {
		case <-timer.C:
			s.launch()
		case <-s.quit:
		}
	}()
}
