package rate

import (
	"errors"
	"sync"
	"time"

	"github.com/gostream/gostream/engine/internal/clock"
)

// ErrStopped is what Take and TakeSome return once done is closed.
var ErrStopped = errors.New("stopped")

func checkDone(done <-chan struct{}) error {
	select {
	case <-done:
		return ErrStopped
	default:
		return nil
	}
}

// Limiter is a blocking token bucket holding up to one second's worth
// of tokens. On a real clock it refills with time; with a manual clock it
// refills only when a batch is allocated, by the time up to that batch, so
// each batch's records follow from the rate alone. Its rate is the fixed
// limit, or, under backpressure, the latest estimate capped by the limit.
type Limiter struct {
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

// NewLimiter returns a limiter of limit records/s (0: none) reading clk;
// manual says clk moves only by Advance, nowMS being its time.
func NewLimiter(limit int, manual bool, clk clock.Clock, nowMS int64) *Limiter {
	l := &Limiter{rate: float64(limit), max: float64(limit), manual: manual, clk: clk, tokens: float64(limit), tick: make(chan struct{})}
	if l.manual {
		l.clock = time.Duration(nowMS) * time.Millisecond
	}
	l.last = l.now()
	return l
}

// now reads the clock; call with l.mu held (or before l is shared).
func (l *Limiter) now() time.Duration {
	if l.manual {
		return l.clock
	}
	return time.Duration(l.clk.Nanos())
}

// refill adds the tokens earned since the last refill; l.mu is held.
func (l *Limiter) refill() {
	now := l.now()
	if el := now - l.last; el > 0 {
		if l.rate > 0 {
			l.tokens = min(l.rate, l.tokens+el.Seconds()*l.rate)
		}
		l.last = now
	}
}

// SetRate sets the rate in force to r records/s, capped by the limiter's
// MaxRate, as Spark's RateLimiter.updateRate; r ≤ 0 changes nothing. The
// bucket keeps what it holds, up to a second of the new rate; coming from
// no limit it starts empty.
func (l *Limiter) SetRate(r float64) {
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

// Current returns the rate in force, records/s; 0: no limit.
func (l *Limiter) Current() float64 {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rate
}

// Chunk returns the most records to hand over at once: n, or a second's
// worth of the rate in force when that is less.
func (l *Limiter) Chunk(n int) int {
	if r := l.Current(); r > 0 {
		return max(min(n, int(r)), 1)
	}
	return n
}

// Advance moves a manual clock to batch time tMS and wakes waiters.
func (l *Limiter) Advance(tMS int64) {
	l.mu.Lock()
	if l.manual {
		l.clock = max(l.clock, time.Duration(tMS)*time.Millisecond)
	}
	l.mu.Unlock()
	l.wake()
}

// wake makes waiters look at the clock and the rate again.
func (l *Limiter) wake() {
	l.mu.Lock()
	close(l.tick)
	l.tick = make(chan struct{})
	l.mu.Unlock()
}

// Take blocks until n tokens are taken or done is closed. Requests larger
// than the bucket are served in bucket-sized steps.
func (l *Limiter) Take(n int, done <-chan struct{}) error {
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

// TakeSome blocks until at least one token is free, then takes as many as
// are free, up to n, and returns how many it took. A caller holding several
// records stores that many now rather than waiting for the bucket to refill
// for all of them.
func (l *Limiter) TakeSome(n int, done <-chan struct{}) (int, error) {
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
func (l *Limiter) wait(most float64, some bool, done <-chan struct{}) (float64, error) {
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
			return 0, ErrStopped
		case <-tick:
		case <-timeout:
		}
		if timer != nil {
			timer.Stop()
		}
	}
}
