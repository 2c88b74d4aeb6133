package sample

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestSameSeedSameSample(t *testing.T) {
	a, b, c := New(7, 1, 0.5), New(7, 1, 0.5), New(7, 2, 0.5)
	same, other := true, true
	for range 64 {
		x := a.Keep()
		same = same && x == b.Keep()
		other = other && x == c.Keep()
	}
	if !same {
		t.Error("the same seed and partition gave different samples")
	}
	if other {
		t.Error("another partition gave the same 64 draws")
	}
}

func TestKeepRate(t *testing.T) {
	for _, f := range []float64{0, 0.3, 1} {
		s, kept := New(1, 0, f), 0
		for range 10000 {
			if s.Keep() {
				kept++
			}
		}
		if got := float64(kept) / 10000; math.Abs(got-f) > 0.02 {
			t.Errorf("fraction %v kept %v", f, got)
		}
	}
}

func TestPoissonMean(t *testing.T) {
	for _, lambda := range []float64{0, 0.5, 2, 75} {
		rng, sum := rand.New(rand.NewPCG(3, 4)), 0
		const n = 20000
		for range n {
			sum += Poisson(rng, lambda)
		}
		if got := float64(sum) / n; math.Abs(got-lambda) > 0.05*lambda+0.01 {
			t.Errorf("Poisson(%v) mean %v", lambda, got)
		}
	}
	if c := New(5, 0, 0).Copies(); c != 0 {
		t.Errorf("Copies with fraction 0 = %d", c)
	}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		repl bool
		f    float64
		ok   bool
	}{{false, 0, true}, {false, 1, true}, {false, 1.5, false}, {false, -0.1, false}, {false, math.NaN(), false},
		{true, 3, true}, {true, -1, false}, {true, math.NaN(), false}} {
		if err := Check(tc.repl, tc.f); (err == nil) != tc.ok {
			t.Errorf("Check(%v, %v) = %v", tc.repl, tc.f, err)
		}
	}
}
