package rate

import (
	"math/rand"
	"testing"
)

// The cases of Spark's PIDRateEstimatorSuite.

func defaultEstimator(t *testing.T) *PID {
	p, err := NewPID(20, 1, 0, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestChecksRanges(t *testing.T) {
	for _, c := range []struct {
		ms            int64
		p, i, d, minR float64
		want          string
	}{
		{0, 1, 2, 3, 10, "batch interval 0 ms: want a positive interval"},
		{100, -1, 2, 3, 10, "proportional term -1: want ≥ 0"},
		{100, 0, -1, 3, 10, "integral term -1: want ≥ 0"},
		{100, 0, 0, -1, 10, "derivative term -1: want ≥ 0"},
		{100, 0, 0, 0, 0, "minimum rate 0: want > 0"},
		{100, 0, 0, 0, -10, "minimum rate -10: want > 0"},
	} {
		_, err := NewPID(c.ms, c.p, c.i, c.d, c.minR)
		if err == nil || err.Error() != c.want {
			t.Errorf("NewPID(%d, %v, %v, %v, %v) = %v, want %q", c.ms, c.p, c.i, c.d, c.minR, err, c.want)
		}
	}
	p, err := NewDefaultPID(1000)
	if err != nil || p.proportional != 1 || p.integral != 0.2 || p.derivate != 0 || p.minRate != 100 {
		t.Errorf("defaults: %+v, %v; want Spark's 1, 0.2, 0, 100", p, err)
	}
}

func TestFirstEstimateIsNone(t *testing.T) {
	if _, ok := defaultEstimator(t).Compute(0, 10, 10, 0); ok {
		t.Error("first estimate: want none")
	}
}

func TestSecondEstimate(t *testing.T) {
	p := defaultEstimator(t)
	p.Compute(0, 10, 10, 0)
	if r, ok := p.Compute(10, 10, 10, 0); !ok || r != 1000 {
		t.Errorf("second estimate = %v, %v; want 1000 records/s", r, ok)
	}
}

func TestNoEstimateWithoutTimeDifference(t *testing.T) {
	p := defaultEstimator(t)
	p.Compute(0, 10, 10, 0)
	if _, ok := p.Compute(10, 10, 10, 0); !ok {
		t.Error("want an estimate at time 10")
	}
	if _, ok := p.Compute(10, 10, 10, 0); ok {
		t.Error("same time again: want none")
	}
}

func TestNoEstimateWithoutRecords(t *testing.T) {
	p := defaultEstimator(t)
	p.Compute(0, 10, 10, 0)
	if _, ok := p.Compute(10, 0, 10, 0); ok {
		t.Error("0 records: want none")
	}
	if _, ok := p.Compute(20, -10, 10, 0); ok {
		t.Error("-10 records: want none")
	}
}

func TestNoEstimateWithoutProcessingDelay(t *testing.T) {
	p := defaultEstimator(t)
	p.Compute(0, 10, 10, 0)
	if _, ok := p.Compute(10, 10, 0, 0); ok {
		t.Error("0 ms processing: want none")
	}
	if _, ok := p.Compute(20, 10, -10, 0); ok {
		t.Error("-10 ms processing: want none")
	}
}

// run feeds batch i at 20·i ms and returns the 50 results (NaN: none).
func run(p *PID, elems, proc, sched func(i int) int64) []float64 {
	var out []float64
	for i := 0; i < 50; i++ {
		r, ok := p.Compute(int64(i*20), elems(i), proc(i), sched(i))
		if !ok {
			r = -1
		}
		out = append(out, r)
	}
	return out
}

func TestNeverBelowMinRate(t *testing.T) {
	p, _ := NewPID(20, 1, 1, 0, 5)
	res := run(p, func(int) int64 { return 1 }, func(int) int64 { return 20 }, func(int) int64 { return 100 })
	if res[0] != -1 {
		t.Errorf("first: %v, want none", res[0])
	}
	for i, r := range res[1:] {
		if r != 5 {
			t.Errorf("batch %d: %v, want the minimum rate 5", i+1, r)
		}
	}
}

func TestFollowsIncreasingSpeed(t *testing.T) {
	p, _ := NewPID(20, 1, 1, 0, 10)
	res := run(p, func(i int) int64 { return int64(i+1) * 20 }, func(int) int64 { return 20 }, func(int) int64 { return 0 })
	for i, r := range res[1:] {
		if want := float64(i+2) * 1000; r != want {
			t.Errorf("batch %d: %v, want %v", i+1, r, want)
		}
	}
}

func TestFollowsDecreasingSpeed(t *testing.T) {
	p, _ := NewPID(20, 1, 1, 0, 10)
	res := run(p, func(i int) int64 { return int64(50-i) * 20 }, func(int) int64 { return 20 }, func(int) int64 { return 0 })
	for i, r := range res[1:] {
		if want := float64(50-(i+1)) * 1000; r != want {
			t.Errorf("batch %d: %v, want %v", i+1, r, want)
		}
	}
}

func TestStaysBelowSpeedWithBacklog(t *testing.T) {
	p, _ := NewPID(20, 1, 0.01, 0, 10)
	rng := rand.New(rand.NewSource(1))
	elems := make([]int64, 50)
	sched := make([]int64, 50)
	for i := range elems {
		elems[i] = int64(rng.Intn(1000))
		sched[i] = int64(rng.Intn(19))
	}
	res := run(p, func(i int) int64 { return elems[i] }, func(int) int64 { return 20 }, func(i int) int64 { return sched[i] })
	for n := 1; n < 50; n++ {
		if elems[n] == 0 {
			continue
		}
		if res[n] == -1 {
			t.Errorf("batch %d: no estimate", n)
			continue
		}
		speed := float64(elems[n]) / 20 * 1000
		if res[n] > 0 && sched[n] > 0 && res[n] >= speed {
			t.Errorf("batch %d: rate %v, want below the processing speed %v", n, res[n], speed)
		}
	}
}
