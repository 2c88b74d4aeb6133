package action

import "math"

// call returns f(a, b), passing a panic of f to fail with b.
func call(f func(a, b any) any, a, b any, fail func(r, x any)) any {
	defer func() {
		if r := recover(); r != nil {
			fail(r, b)
		}
	}()
	return f(a, b)
}

// FoldPartition folds the elements each pushes into zero with seq.
func FoldPartition(each func(func(any)), zero any, seq func(acc, x any) any, fail func(r, x any)) any {
	acc := zero
	each(func(x any) { acc = call(seq, acc, x, fail) })
	return acc
}

// Fold merges the partitions' results accs with comb, starting from zero.
func Fold(accs []any, zero any, comb func(a, b any) any, fail func(r, x any)) any {
	acc := zero
	for _, a := range accs {
		acc = call(comb, acc, a, fail)
	}
	return acc
}

// Partial is a partition's reduction: Acc when the partition had elements.
type Partial struct {
	Acc any
	Has bool
}

// ReducePartition reduces the elements each pushes with f, the first
// element starting the accumulator.
func ReducePartition(each func(func(any)), f func(a, b any) any, fail func(r, x any)) Partial {
	var p Partial
	each(func(x any) {
		if !p.Has {
			p.Acc, p.Has = x, true
			return
		}
		p.Acc = call(f, p.Acc, x, fail)
	})
	return p
}

// Reduce merges the partitions' reductions with f, in partition order,
// skipping empty partitions; false when every partition was empty.
func Reduce(parts []Partial, f func(a, b any) any, fail func(r, x any)) (any, bool) {
	var acc Partial
	for _, p := range parts {
		if !p.Has {
			continue
		}
		if !acc.Has {
			acc = p
			continue
		}
		acc.Acc = call(f, acc.Acc, p.Acc, fail)
	}
	return acc.Acc, acc.Has
}

// Stats are Spark's StatCounter: count, sum, mean and the sum of squared
// deviations.
type Stats struct {
	N        int
	Mean, M2 float64
	Sum      float64
}

// Add counts x in (Welford's update).
func (s *Stats) Add(x float64) {
	s.N++
	s.Sum += x
	d := x - s.Mean
	s.Mean += d / float64(s.N)
	s.M2 += d * (x - s.Mean)
}

// Merge adds the statistics of another partition (Chan's formula).
func (s *Stats) Merge(o Stats) {
	if o.N == 0 {
		return
	}
	if s.N == 0 {
		*s = o
		return
	}
	n := s.N + o.N
	d := o.Mean - s.Mean
	s.M2 += o.M2 + d*d*float64(s.N)*float64(o.N)/float64(n)
	s.Mean += d * float64(o.N) / float64(n)
	s.Sum += o.Sum
	s.N = n
}

// MeanOrNaN is the mean, NaN when no number was added.
func (s Stats) MeanOrNaN() float64 {
	if s.N == 0 {
		return math.NaN()
	}
	return s.Mean
}

// Variance is the population variance (dividing by n), NaN when empty.
func (s Stats) Variance() float64 {
	if s.N == 0 {
		return math.NaN()
	}
	return s.M2 / float64(s.N)
}

// SampleVariance is the sample variance (dividing by n-1), NaN for fewer
// than two numbers.
func (s Stats) SampleVariance() float64 {
	if s.N < 2 {
		return math.NaN()
	}
	return s.M2 / float64(s.N-1)
}

// StatsPartition is the statistics of the elements each pushes; number
// converts an element, and notNumber is called (and must not return) for
// one that is not a number.
func StatsPartition(each func(func(any)), number func(any) (float64, bool), notNumber func(x any)) Stats {
	var s Stats
	each(func(x any) {
		f, ok := number(x)
		if !ok {
			notNumber(x)
		}
		s.Add(f)
	})
	return s
}

// EqualKeys is Go's ==, so "1" is not 1 nor int64(1) 1; keys that ==
// cannot compare (slices) are equal when cmp says so.
func EqualKeys(a, b any, cmp func(a, b any) int) (eq bool) {
	defer func() {
		if recover() != nil {
			eq = cmp(a, b) == 0
		}
	}()
	return a == b
}
