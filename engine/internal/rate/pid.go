package rate

import (
	"fmt"
	"sync"
)

// The defaults of Spark's spark.streaming.backpressure.pid.* settings.
const (
	DefaultProportional = 1.0
	DefaultIntegral     = 0.2
	DefaultDerivative   = 0.0
	DefaultMinRate      = 100.0
)

// PID is Spark's PIDRateEstimator: a proportional-integral-derivative
// controller whose error is the difference between the rate it set for the
// last batch and the rate at which that batch was processed, and whose
// integral term is the backlog the scheduling delay shows.
type PID struct {
	batchMS                          int64
	proportional, integral, derivate float64
	minRate                          float64

	mu          sync.Mutex
	firstRun    bool
	latestTime  int64
	latestRate  float64
	latestError float64
}

// NewPID returns an estimator for batches of batchMS milliseconds; it
// rejects what Spark's rejects.
func NewPID(batchMS int64, proportional, integral, derivative, minRate float64) (*PID, error) {
	switch {
	case batchMS <= 0:
		return nil, fmt.Errorf("batch interval %d ms: want a positive interval", batchMS)
	case proportional < 0:
		return nil, fmt.Errorf("proportional term %v: want ≥ 0", proportional)
	case integral < 0:
		return nil, fmt.Errorf("integral term %v: want ≥ 0", integral)
	case derivative < 0:
		return nil, fmt.Errorf("derivative term %v: want ≥ 0", derivative)
	case minRate <= 0:
		return nil, fmt.Errorf("minimum rate %v: want > 0", minRate)
	}
	return &PID{batchMS: batchMS, proportional: proportional, integral: integral, derivate: derivative,
		minRate: minRate, firstRun: true, latestTime: -1, latestRate: -1, latestError: -1}, nil
}

// NewDefaultPID returns an estimator with Spark's default terms.
func NewDefaultPID(batchMS int64) (*PID, error) {
	return NewPID(batchMS, DefaultProportional, DefaultIntegral, DefaultDerivative, DefaultMinRate)
}

// Compute takes the figures of a completed batch (its end time, its
// records, its processing and scheduling delays, all times in
// milliseconds) and returns the new rate in records a second; ok is false
// when there is no estimate: on the first batch, a batch no later than the
// last, or one without records or processing time.
func (p *PID) Compute(timeMS, records, processingMS, schedulingMS int64) (rate float64, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if timeMS <= p.latestTime || records <= 0 || processingMS <= 0 {
		return 0, false
	}
	sinceUpdate := float64(timeMS-p.latestTime) / 1000
	processingRate := float64(records) / float64(processingMS) * 1000
	err := p.latestRate - processingRate
	// A scheduling delay s means s·processingRate records backed up, to be
	// taken off over one batch interval.
	historical := float64(schedulingMS) * processingRate / float64(p.batchMS)
	dErr := (err - p.latestError) / sinceUpdate
	newRate := max(p.latestRate-p.proportional*err-p.integral*historical-p.derivate*dErr, p.minRate)
	p.latestTime = timeMS
	if p.firstRun {
		p.latestRate = processingRate
		p.latestError = 0
		p.firstRun = false
		return 0, false
	}
	p.latestRate = newRate
	p.latestError = err
	return newRate, true
}
