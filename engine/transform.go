package engine

// nilRDDMsg is the failure of a Transform whose function returns nil, as
// Spark fails it rather than treating it as empty.
const nilRDDMsg = "the function returned a nil *RDD; return ssc.EmptyRDD() (or rdd.Filter of nothing) for a batch with no elements"

// EmptyRDD returns an RDD with no elements and no partitions, for a
// Transform function that has nothing to return. Spark's emptyRDD.
func (ssc *StreamingContext) EmptyRDD() *RDD {
	return materialized(ssc.ex, "EmptyRDD", nil)
}

// Transform(streams, f) applies f to the RDDs of several streams at every
// batch: f is a func(rdds []*RDD, t Time) *RDD or func(rdds []*RDD) *RDD,
// and rdds[i] is the RDD of streams[i]. The streams must have one slide
// duration. Spark's StreamingContext.transform.
func (ssc *StreamingContext) Transform(streams []*DStream, f any) *DStream {
	const op = "StreamingContext.Transform"
	var g func([]*RDD, Time) *RDD
	switch h := f.(type) {
	case func([]*RDD) *RDD:
		g = func(rs []*RDD, _ Time) *RDD { return h(rs) }
	case func([]*RDD, Time) *RDD:
		g = h
	default:
		buildErrorf(op, "want a func([]*engine.RDD, engine.Time) *engine.RDD or func([]*engine.RDD) *engine.RDD, got %s", describeFunc(f))
	}
	if len(streams) == 0 {
		buildErrorf(op, "want at least one DStream, got none")
	}
	for i, s := range streams {
		if s == nil {
			buildErrorf(op, "want DStreams, got nil at index %d", i)
		}
		if s.ssc != ssc {
			buildErrorf(op, "the DStream at index %d belongs to another StreamingContext", i)
		}
		if s.slide != streams[0].slide {
			buildErrorf(op, "the DStreams have different slide durations (%v at index 0, %v at index %d)", streams[0].slide, s.slide, i)
		}
	}
	parents := append([]*DStream(nil), streams...)
	return ssc.newDStream(op, parents, parents[0].slide, func(t Time) *RDD {
		rdds := make([]*RDD, len(parents))
		for i, s := range parents {
			if rdds[i] = s.getOrCompute(t); rdds[i] == nil {
				return nil
			}
		}
		return callTransform(op, t, func() *RDD { return g(rdds, t) })
	})
}
