package engine

import (
	"sync"
	"time"

	"github.com/gostream/gostream/engine/internal/clock"
	"github.com/gostream/gostream/engine/internal/rate"
)

// Receivers' rate limits: MaxRate and SetReceiverMaxRate fix a receiver's
// rate; WithBackpressure sets it after every batch from how fast the last
// batches were processed, as Spark's RateController does for the
// RateLimiter of a receiver's BlockGenerator, MaxRate then being the
// ceiling.

// WithBackpressureInitialRate sets the rate, in records a second, that
// every receiver and Kafka stream keeps until backpressure has its first
// estimate, two batches in (Spark's spark.streaming.backpressure.initialRate);
// it implies WithBackpressure. Without it a receiver with no MaxRate takes
// what arrives, and a Kafka stream without MaxRatePerPartition reads up to
// the end of its partitions, until then.
func WithBackpressureInitialRate(n int) Option {
	if n <= 0 {
		buildErrorf("WithBackpressureInitialRate", "want a positive rate, got %d", n)
	}
	return func(c *config) { c.backpressure, c.bpInitial = true, n }
}

// startBackpressure gives a started receiver its initial rate and an
// estimator fed by the batches that complete.
func (s *receiverSource) startBackpressure(ssc *StreamingContext) {
	if !ssc.backpressure {
		return
	}
	if ssc.bpInitial > 0 {
		s.limiter.setRate(float64(ssc.bpInitial))
	}
	ssc.AddStreamingListener(&receiverRateListener{s: s, est: newPIDRateEstimator(ssc.batch)})
}

// rateInForce is the rate the receiver was limited to when its last batch
// was cut, records/s (0: no limit).
func (s *receiverSource) rateInForce() float64 { return s.limiter.current() }

// receiverRateListener feeds a receiver's completed batches to its
// estimator and sets the receiver's rate from the estimate.
type receiverRateListener struct {
	s   *receiverSource
	est *rate.PID
}

func (l *receiverRateListener) OnBatchCompleted(info BatchInfo) {
	id := l.s.ssc.inputID(l.s.d)
	n := -1
	for _, in := range info.Inputs {
		if in.StreamID == id {
			n = in.Records
		}
	}
	if n < 0 {
		return
	}
	r, ok := l.est.Compute(info.ProcessingEnd.UnixMilli(), int64(n), info.ProcessingDelay.Milliseconds(), info.SchedulingDelay.Milliseconds())
	if ok {
		l.s.limiter.setRate(r)
	}
}

// rateLimiter is a blocking token bucket holding up to one second's worth
// of tokens. On a real clock it refills with time; with a manual clock it
// refills only when a batch is allocated, by the time up to that batch, so
// each batch's records follow from the rate alone. Its rate is the fixed
// limit, or, under backpressure, the latest estimate capped by the limit.
type rateLimiter struct {
	manual bool        // the context's clock moves by Advance
	clk    clock.Clock // the context's clock, read when not manual
	max    float64     // MaxRate, records/s; 0: none

	mu     sync.Mutex
	rate   float64 // in force; 0: no limit
	tokens float64
	clock  time.Duration // manual clock: the time of the last allocated batch
	last   time.Duration // clock reading of the last refill
	tick   chan struct{} // closed and replaced when waiters should look again
}

func newRateLimiter(limit int, ssc *StreamingContext) *rateLimiter {
	l := &rateLimiter{rate: float64(limit), max: float64(limit), manual: ssc.hand != nil, clk: ssc.clock, tokens: float64(limit), tick: make(chan struct{})}
	if l.manual {
		l.clock = time.Duration(ssc.Now()) * time.Millisecond
	}
	l.last = l.now()
	return l
}

// now reads the clock; call with l.mu held (or before l is shared).
func (l *rateLimiter) now() time.Duration {
	if l.manual {
		return l.clock
	}
	return time.Duration(l.clk.Nanos())
}

// refill adds the tokens earned since the last refill; l.mu is held.
func (l *rateLimiter) refill() {
	now := l.now()
	if el := now - l.last; el > 0 {
		if l.rate > 0 {
			l.tokens = min(l.rate, l.tokens+el.Seconds()*l.rate)
		}
		l.last = now
	}
}

// setRate sets the rate in force to r records/s, capped by the limiter's
// MaxRate, as Spark's RateLimiter.updateRate; r ≤ 0 changes nothing. The
// bucket keeps what it holds, up to a second of the new rate; coming from
// no limit it starts empty.
func (l *rateLimiter) setRate(r float64) {
	if l == nil || r <= 0 {
		return
	}
	if l.max > 0 {
		r = min(r, l.max)
	}
	l.mu.Lock()
	l.refill()
	if l.rate <= 0 {
		l.tokens = 0
	}
	l.rate = r
	l.tokens = min(l.tokens, r)
	l.mu.Unlock()
	l.wake()
}

// current returns the rate in force, records/s; 0: no limit.
func (l *rateLimiter) current() float64 {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rate
}

// chunk returns the most records to hand over at once: n, or a second's
// worth of the rate in force when that is less.
func (l *rateLimiter) chunk(n int) int {
	if r := l.current(); r > 0 {
		return max(min(n, int(r)), 1)
	}
	return n
}

// advance moves a manual clock to batch time t and wakes waiters.
func (l *rateLimiter) advance(t Time) {
	l.mu.Lock()
	if l.manual {
		l.clock = max(l.clock, time.Duration(t)*time.Millisecond)
	}
	l.mu.Unlock()
	l.wake()
}

// wake makes waiters look at the clock and the rate again.
func (l *rateLimiter) wake() {
	l.mu.Lock()
	close(l.tick)
	l.tick = make(chan struct{})
	l.mu.Unlock()
}

// take blocks until n tokens are taken or done is closed. Requests larger
// than the bucket are served in bucket-sized steps.
func (l *rateLimiter) take(n int, done <-chan struct{}) error {
	if l == nil {
		return checkDone(done)
	}
	for need := float64(n); need > 0; {
		got, err := l.wait(need, false, done)
		if err != nil {
			return err
		}
		need -= got
	}
	return nil
}

// takeSome blocks until at least one token is free, then takes as many as
// are free, up to n, and returns how many it took. A caller holding several
// records stores that many now rather than waiting for the bucket to refill
// for all of them.
func (l *rateLimiter) takeSome(n int, done <-chan struct{}) (int, error) {
	if l == nil {
		return n, checkDone(done)
	}
	got, err := l.wait(float64(n), true, done)
	return int(got), err
}

// wait blocks until tokens are free, then takes up to most whole tokens
// and returns how many: at least one with some, else as many as the bucket
// holds (most, or a full bucket's worth). Without a limit it takes most at
// once.
func (l *rateLimiter) wait(most float64, some bool, done <-chan struct{}) (float64, error) {
	for {
		if err := checkDone(done); err != nil {
			return 0, err
		}
		l.mu.Lock()
		if l.rate <= 0 {
			l.mu.Unlock()
			return most, nil
		}
		l.refill()
		least := min(most, l.rate)
		if some {
			least = 1
		}
		if l.tokens >= least {
			got := max(least, min(most, float64(int(l.tokens))))
			l.tokens -= got
			l.mu.Unlock()
			return got, nil
		}
		tick := l.tick
		wait := time.Duration((least - l.tokens) / l.rate * float64(time.Second))
		l.mu.Unlock()
		var timer *time.Timer
		var timeout <-chan time.Time
		if !l.manual {
			timer = time.NewTimer(wait)
			timeout = timer.C
		}
		select {
		case <-done:
			if timer != nil {
				timer.Stop()
			}
			return 0, ErrReceiverStopped
		case <-tick:
		case <-timeout:
		}
		if timer != nil {
			timer.Stop()
		}
	}
}
