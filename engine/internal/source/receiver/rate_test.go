package receiver

import (
	"testing"

	"github.com/gostream/gostream/engine/internal/clock"
	"github.com/gostream/gostream/engine/internal/rate"
)

func TestStartRated(t *testing.T) {
	// A fixed limit: the rate in force is the limit.
	s, e := newSource(Config{MaxBuffered: 100})
	s.StartRated(Rate{Limit: 500, Manual: true, Clock: clock.NewManual(0)})
	<-e.ctxs
	if got := s.RateInForce(); got != 500 {
		t.Errorf("rate with MaxRate 500 = %v", got)
	}
	s.Stop()

	// Backpressure: the initial rate, then the estimates of slow batches,
	// capped by the limit.
	pid, err := rate.NewDefaultPID(1000)
	if err != nil {
		t.Fatal(err)
	}
	s, e = newSource(Config{MaxBuffered: 100})
	s.StartRated(Rate{Limit: 800, Manual: true, Clock: clock.NewManual(0), Initial: 300, Estimator: pid})
	<-e.ctxs
	defer s.Stop()
	if got := s.RateInForce(); got != 300 {
		t.Errorf("rate before an estimate = %v; want the initial 300", got)
	}
	for i := int64(1); i <= 3; i++ {
		s.Completed(1000, i*1000+2000, 2000, 0) // 1,000 records processed in 2 s
	}
	if got := s.RateInForce(); got == 300 || got >= 800 || got <= 0 {
		t.Errorf("rate after slow batches = %v; want an estimate under the limit", got)
	}

	// No limit and no backpressure: none in force.
	s3, e3 := newSource(Config{MaxBuffered: 100})
	s3.StartRated(Rate{Clock: clock.System{}})
	<-e3.ctxs
	defer s3.Stop()
	if got := s3.RateInForce(); got != 0 {
		t.Errorf("rate without a limit = %v", got)
	}
}
