package engine

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

// rateInForce is the rate the receiver was limited to when its last batch
// was cut, records/s (0: no limit).
func (s *receiverSource) rateInForce() float64 { return s.src.RateInForce() }

// receiverRateListener feeds a receiver's completed batches to its
// estimator, which sets the receiver's rate.
type receiverRateListener struct{ s *receiverSource }

func (l *receiverRateListener) OnBatchCompleted(info BatchInfo) {
	id := l.s.ssc.inputID(l.s.d)
	for _, in := range info.Inputs {
		if in.StreamID == id {
			l.s.src.Completed(int64(in.Records), info.ProcessingEnd.UnixMilli(), info.ProcessingDelay.Milliseconds(), info.SchedulingDelay.Milliseconds())
		}
	}
}
