package engine

import (
	"bufio"
	"math"

	"github.com/gostream/gostream/engine/internal/action"
	"github.com/gostream/gostream/engine/internal/sink/dir"
)

// Aggregate(zero, seqOp, combOp) aggregates the elements into a value of
// another type U: every partition starts from zero and folds in its
// elements with seqOp, a func(U, T) U; the partitions' results are merged,
// starting from zero again, with combOp, a func(U, U) U. zero is shared, so
// the functions must not modify it in place. Spark's aggregate.
func (r *RDD) Aggregate(zero, seqOp, combOp any) any {
	const op = "Aggregate"
	seq := binaryFunc(op, seqOp, "a seqOp func(U, T) U")
	comb := binaryFunc(op, combOp, "a combOp func(U, U) U")
	return r.fold(op, zero, seq, comb)
}

// Fold(zero, f) merges the elements with f, a func(T, T) T, starting from
// zero in every partition and again when merging the partitions' results;
// zero should be f's identity (0 for a sum), or it counts once per
// partition plus once. Spark's fold.
func (r *RDD) Fold(zero, f any) any {
	const op = "Fold"
	g := binaryFunc(op, f, "a func(T, T) T")
	return r.fold(op, zero, g, g)
}

func (r *RDD) fold(op string, zero any, seq, comb func(a, b any) any) any {
	return r.d.Fold(r.tasks(op), zero, seq, comb, userFailure(op))
}

// Foreach calls f, a func(T), with every element, in parallel tasks (one per
// partition). Spark's foreach.
func (r *RDD) Foreach(f any) {
	const op = "Foreach"
	r.d.Foreach(r.tasks(op), consumer(op, f), userFailure(op))
}

// ForeachPartition calls f, a func(part []T), with every whole partition, in
// parallel tasks; open one connection per partition here, not per element.
// Spark's foreachPartition.
func (r *RDD) ForeachPartition(f any) {
	const op = "ForeachPartition"
	r.d.ForeachPartition(r.tasks(op), partitionConsumer(op, f), userFailure(op))
}

// SaveAsTextFile(path) writes the RDD to the directory path as
// DStream.SaveAsTextFiles writes a batch: part-00000, part-00001, ... one
// element a line, and _SUCCESS, written beside path and renamed into place,
// so a reader sees a complete directory or none. Unlike Spark, an existing
// directory is replaced, so a batch re-run after recovery writes the same.
// Spark's saveAsTextFile.
func (r *RDD) SaveAsTextFile(path string) {
	const op = "SaveAsTextFile"
	checkPrefix(op, path)
	saveRDD(op, r, r.time, path, func(w *bufio.Writer, part []any) error { return dir.WriteLines(w, part, Format) })
}

func (r *RDD) stats(op string) action.Stats {
	return r.d.Stats(r.tasks(op), numberOf, func(x any) { failElem(op, x, "a number") })
}

// Sum returns the sum of the elements, numbers of any Go kind, as a float64
// (0 for an empty RDD). Spark's DoubleRDDFunctions.sum.
func (r *RDD) Sum() float64 { return r.stats("Sum").Sum }

// Mean returns the mean of the numeric elements (NaN for an empty RDD).
// Spark's mean.
func (r *RDD) Mean() float64 { return r.stats("Mean").MeanOrNaN() }

// Variance returns the population variance of the numeric elements (NaN
// for an empty RDD). Spark's variance.
func (r *RDD) Variance() float64 { return r.stats("Variance").Variance() }

// Stdev returns the population standard deviation of the numeric elements
// (dividing by n; NaN for an empty RDD). Spark's stdev.
func (r *RDD) Stdev() float64 { return math.Sqrt(r.stats("Stdev").Variance()) }

// SampleStdev returns the sample standard deviation of the numeric elements
// (dividing by n-1; NaN for fewer than two). Spark's sampleStdev.
func (r *RDD) SampleStdev() float64 { return math.Sqrt(r.stats("SampleStdev").SampleVariance()) }

// SampleVariance returns the sample variance of the numeric elements
// (dividing by n-1; NaN for fewer than two). Spark's sampleVariance.
func (r *RDD) SampleVariance() float64 { return r.stats("SampleVariance").SampleVariance() }
