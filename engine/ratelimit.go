package engine

import "github.com/gostream/gostream/engine/internal/rate"

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
func (s *receiverSource) startBackpressure(ssc *StreamingContext, l *rate.Limiter) {
	if !ssc.backpressure {
		return
	}
	if ssc.bpInitial > 0 {
		l.SetRate(float64(ssc.bpInitial))
	}
	ssc.AddStreamingListener(&receiverRateListener{s: s, lim: l, est: newPIDRateEstimator(ssc.batch)})
}

// rateInForce is the rate the receiver was limited to when its last batch
// was cut, records/s (0: no limit).
func (s *receiverSource) rateInForce() float64 { return s.src.Limiter().Current() }

// receiverRateListener feeds a receiver's completed batches to its
// estimator and sets the receiver's rate from the estimate.
type receiverRateListener struct {
	s   *receiverSource
	lim *rate.Limiter
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
		l.lim.SetRate(r)
	}
}

// newRateLimiter is the limiter of a receiver limited to limit records/s,
// on the context's clock.
func newRateLimiter(limit int, ssc *StreamingContext) *rate.Limiter {
	return rate.NewLimiter(limit, ssc.hand != nil, ssc.clock, int64(ssc.Now()))
}
