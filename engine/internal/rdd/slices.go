package rdd

// Slices cuts elems into p partitions, as Spark's parallelize does:
// partition i holds elements [i·n/p, (i+1)·n/p) of elems, capped so that
// appending to one does not write over the next.
func Slices(elems []any, p int) [][]any {
	parts := make([][]any, p)
	n := len(elems)
	for i := range parts {
		parts[i] = elems[i*n/p : (i+1)*n/p : (i+1)*n/p]
	}
	return parts
}
