package receiver

import (
	"github.com/gostream/gostream/engine/internal/clock"
	"github.com/gostream/gostream/engine/internal/rate"
)

// Rate is how a Source is limited: to Limit records/s (0: none), on
// Clock (Manual: moved only by Advance, NowMS being its time); with an
// Estimator, backpressure sets the rate from the batches that complete
// (Completed), capped by Limit, from Initial (when positive) until the
// first estimate.
type Rate struct {
	Limit     int
	Manual    bool
	Clock     clock.Clock
	NowMS     int64
	Initial   int
	Estimator *rate.PID
}

// StartRated starts the source (Start) with the limiter r describes.
func (s *Source) StartRated(r Rate) {
	l := rate.NewLimiter(r.Limit, r.Manual, r.Clock, r.NowMS)
	if r.Estimator != nil && r.Initial > 0 {
		l.SetRate(float64(r.Initial))
	}
	s.mu.Lock()
	s.est = r.Estimator
	s.mu.Unlock()
	s.Start(l)
}

// Completed feeds a completed batch that took records records (its end,
// processing and scheduling delays in ms) to the estimator, whose estimate
// becomes the rate.
func (s *Source) Completed(records, endMS, processingMS, schedulingMS int64) {
	s.mu.Lock()
	est, l := s.est, s.limiter
	s.mu.Unlock()
	if r, ok := est.Compute(endMS, records, processingMS, schedulingMS); ok {
		l.SetRate(r)
	}
}

// RateInForce is the rate the source was limited to when its last batch
// was cut, records/s (0: none).
func (s *Source) RateInForce() float64 { return s.Limiter().Current() }
