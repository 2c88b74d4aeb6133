// Package action is the per-partition work of the RDD's actions and how
// the partitions' results merge: Fold and Aggregate (a fold per partition,
// then over the partitions' results), Reduce (the same without a zero,
// empty partitions skipped), the numeric statistics (Spark's StatCounter,
// merged across partitions with Welford's and Chan's formulas), and
// Lookup's equality of keys.
//
// The contract: a partition is given as each, which pushes its elements in
// order; results merge in partition order, so an action's result is
// deterministic for a deterministic function. The caller's functions are
// called directly, one call per element, inside a guard that passes a panic
// to fail with the element being processed (the engine turns it into its
// error; fail must not return). The package speaks plain Go: elements are
// any, numbers float64.
package action
