// Package num converts the engine's dynamically typed elements to Go's
// widest integer types: the one place that knows which Go kinds count as
// signed or unsigned integers, for ordering (SortBy, Max, Min) and for
// typed output columns (Parquet). The caller's batch time type, an int64
// of milliseconds, counts as signed; Convert turns slices of batch times
// into int64 milliseconds and back.
package num

// Convert returns xs as a slice of D, nil when xs is nil.
func Convert[D, S ~int64](xs []S) []D {
	if xs == nil {
		return nil
	}
	out := make([]D, len(xs))
	for i, x := range xs {
		out[i] = D(x)
	}
	return out
}

// Signed returns x as an int64 when it is a signed integer of any Go kind
// or a T.
func Signed[T ~int64](x any) (int64, bool) {
	switch n := x.(type) {
	case int:
		return int64(n), true
	case int8:
		return int64(n), true
	case int16:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case T:
		return int64(n), true
	}
	return 0, false
}

// Unsigned returns x as a uint64 when it is an unsigned integer of any Go
// kind.
func Unsigned(x any) (uint64, bool) {
	switch n := x.(type) {
	case uint:
		return uint64(n), true
	case uint8:
		return uint64(n), true
	case uint16:
		return uint64(n), true
	case uint32:
		return uint64(n), true
	case uint64:
		return n, true
	}
	return 0, false
}
