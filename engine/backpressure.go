package engine

import (
	"time"

	"github.com/gostream/gostream/engine/internal/rate"
	kafkasrc "github.com/gostream/gostream/engine/internal/source/kafka"
)

// WithBackpressure makes the context set the rate of every receiver
// (SocketTextStream, ReceiverStream) and Kafka stream from how fast the
// last batches were processed, with Spark's PID rate estimator and its
// defaults (spark.streaming.backpressure.enabled): when batches take longer
// than the interval, or wait for earlier ones, the rate drops to what the
// pipeline sustains, and it rises again as they catch up. MaxRate (or
// SetReceiverMaxRate) caps a receiver's rate, MaxRatePerPartition a Kafka
// stream's. BatchInfo.Rate and the batch log show the rate in force. See
// docs/sources.md and docs/kafka.md.
func WithBackpressure() Option { return func(c *config) { c.backpressure = true } }

// kafkaRateListener feeds a Kafka stream's completed batches to its estimator.
type kafkaRateListener struct{ s *kafkasrc.Stream }

func newPIDRateEstimator(batch time.Duration) *rate.PID {
	p, err := rate.NewDefaultPID(durMS(batch))
	if err != nil {
		buildErrorf("WithBackpressure", "%v", err)
	}
	return p
}

func (l *kafkaRateListener) OnBatchCompleted(info BatchInfo) {
	l.s.Completed(int64(info.BatchTime), info.ProcessingEnd.UnixMilli(), info.ProcessingDelay.Milliseconds(), info.SchedulingDelay.Milliseconds())
}
