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
