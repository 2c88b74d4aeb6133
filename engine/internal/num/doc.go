// Package num converts the engine's dynamically typed elements to Go's
// widest integer types: the one place that knows which Go kinds count as
// signed or unsigned integers, for ordering (SortBy, Max, Min) and for
// typed output columns (Parquet). The caller's batch time type, an int64
// of milliseconds, counts as signed; Convert turns slices of batch times
// into int64 milliseconds and back.
package num
