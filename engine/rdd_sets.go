package engine

import (
	"math/rand/v2"

	"github.com/gostream/gostream/engine/internal/sample"
	"github.com/gostream/gostream/engine/internal/shuffle"
)

// asKeys turns every element x into the Pair (x, nil), so set operations
// can cogroup elements as keys.
func asKeys(op string, r *RDD) *RDD { return r.derived(op, r.d.AsKeys()) }

// Subtract(other, opts...) returns the elements of r that are not elements
// of other; an element r holds several times stays as many times.
// NumTasks(n) sets the partitions (default: as many as r). Spark's subtract.
func (r *RDD) Subtract(other *RDD, opts ...OpOption) *RDD {
	const op = "Subtract"
	checkOther(op, other)
	n := partitionsOr(r, op, opts)
	return cogroup(op, asKeys(op, r), asKeys(op, other), n, shuffle.Subtract)
}

// Intersection(other, opts...) returns the distinct elements that are in
// both r and other. NumTasks(n) sets the partitions (default N of
// local[N]). Spark's intersection.
func (r *RDD) Intersection(other *RDD, opts ...OpOption) *RDD {
	const op = "Intersection"
	checkOther(op, other)
	o := r.ex.opOptions(op, opts)
	return cogroup(op, asKeys(op, r), asKeys(op, other), o.numTasks, shuffle.Intersect)
}

// Cartesian(other) returns every Pair (a, b) of an element a of r and an
// element b of other, in r.NumPartitions() × other.NumPartitions()
// partitions: partition i·m+j pairs r's partition i with other's partition
// j. Spark's cartesian.
func (r *RDD) Cartesian(other *RDD) *RDD {
	const op = "Cartesian"
	checkOther(op, other)
	return newRDD(r.ex, op, r.n*other.n, []*RDD{r, other}, r.d.Cartesian(other.d)).at(r.time)
}

// ZipWithIndex pairs every element with its index in the RDD's order
// (partition by partition): (x, 0), (y, 1), ... The indexes are ints.
// Counting the partitions before the last runs a job, as in Spark's
// zipWithIndex.
func (r *RDD) ZipWithIndex() *RDD {
	const op = "ZipWithIndex"
	return r.materializedBy(op, r.n, r.d.ZipWithIndex())
}

// Sample(withReplacement, fraction, seed...) returns a random sample:
// withReplacement false keeps each element with probability fraction (in
// [0, 1]); true takes each element a Poisson(fraction) number of times,
// so fraction is the expected number of copies and may exceed 1. The same
// seed gives the same sample; without one a seed is drawn once per call.
// Spark's sample.
func (r *RDD) Sample(withReplacement bool, fraction float64, seed ...int64) *RDD {
	const op = "Sample"
	if err := sample.Check(withReplacement, fraction); err != nil {
		buildErrorf(op, "%v", err)
	}
	if len(seed) > 1 {
		buildErrorf(op, "want at most one seed, got %d", len(seed))
	}
	s := rand.Int64()
	if len(seed) == 1 {
		s = seed[0]
	}
	return r.derived(op, r.d.Sample(s, fraction, withReplacement))
}

// MapPartitionsWithIndex applies f, a func(index int, part []T) []U, to each
// whole partition with the partition's index (0, 1, ...). Spark's
// mapPartitionsWithIndex.
func (r *RDD) MapPartitionsWithIndex(f any) *RDD {
	const op = "MapPartitionsWithIndex"
	return r.derived(op, r.d.Whole(indexedPartitionFunc(op, f), userFailure(op)))
}
