package queue

// Batch takes a batch's items from q (Take) and makes its RDD of them:
// each item's RDD and its number of elements (rdd), the one as it is,
// several as union makes them one. ok is false when it took none.
func Batch[T, R any](q *Queue[T], one bool, rdd func(T) (R, int), union func([]R) R) (r R, n int, ok bool) {
	taken := q.Take(one)
	rdds := make([]R, len(taken))
	for i, it := range taken {
		var c int
		rdds[i], c = rdd(it)
		n += c
	}
	switch len(rdds) {
	case 0:
		return r, 0, false
	case 1:
		return rdds[0], n, true
	}
	return union(rdds), n, true
}
