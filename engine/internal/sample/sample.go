package sample

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Sampler draws how many times to keep each element of one partition.
type Sampler struct {
	rng      *rand.Rand
	fraction float64
}

// New is the sampler of partition p for the seed, keeping fraction of the
// elements (Keep) or fraction copies of each on average (Copies).
func New(seed int64, p int, fraction float64) *Sampler {
	return &Sampler{rand.New(rand.NewPCG(uint64(seed), uint64(p))), fraction}
}

// Keep reports whether to keep the next element, without replacement.
func (s *Sampler) Keep() bool { return s.rng.Float64() < s.fraction }

// Copies is the number of copies of the next element, with replacement.
func (s *Sampler) Copies() int { return Poisson(s.rng, s.fraction) }

// Poisson draws from a Poisson distribution of mean lambda (Knuth's
// method, in steps of at most 30 so exp does not underflow).
func Poisson(rng *rand.Rand, lambda float64) int {
	k := 0
	for lambda > 0 {
		step := min(lambda, 30)
		lambda -= step
		limit, prod := math.Exp(-step), rng.Float64()
		for prod > limit {
			k++
			prod *= rng.Float64()
		}
	}
	return k
}

// Check reports what is wrong with fraction: without replacement it is a
// probability, with replacement an expected number of copies.
func Check(withReplacement bool, fraction float64) error {
	switch {
	case withReplacement && (math.IsNaN(fraction) || fraction < 0):
		return fmt.Errorf("with replacement, fraction is the expected number of copies and must be >= 0, got %v", fraction)
	case !withReplacement && (math.IsNaN(fraction) || fraction < 0 || fraction > 1):
		return fmt.Errorf("without replacement, fraction is a probability and must be in [0, 1], got %v", fraction)
	}
	return nil
}
