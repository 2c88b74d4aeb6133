package engine

import "github.com/gostream/gostream/engine/internal/source/generate"

// RateStream returns a built-in source of perSecond lines of text a second:
// sentences of 6–10 words drawn with a skew from a small vocabulary, so word
// counts have a few frequent words and a long tail. Line i is the same on
// every run, and the lines of a batch depend only on its time, so the source
// can be replayed after a failure.
func (ssc *StreamingContext) RateStream(perSecond int) *DStream {
	if perSecond <= 0 {
		buildErrorf("RateStream", "want a positive rate, got %d", perSecond)
	}
	return ssc.addInput("RateStream", &rateSource{ssc: ssc, perSecond: perSecond})
}

type rateSource struct {
	ssc       *StreamingContext
	perSecond int
}

func (s *rateSource) start(*StreamingContext) error { return nil }
func (s *rateSource) stop(bool)                     {}

func (s *rateSource) allocate(t Time) (*RDD, int) {
	b := generate.NewBatch(s.perSecond, int64(t), durMS(s.ssc.batch), s.ssc.ex.parallelism)
	return newRDD(s.ssc.ex, "RateStream", b.Parts, nil, b.Emit), int(b.Lines)
}

// RateStream's batches depend only on their time.
func (s *rateSource) batchRecord(Time) ([]byte, error) { return nil, nil }

func (s *rateSource) rebuild(t Time, _ []byte) (*RDD, int, error) {
	r, n := s.allocate(t)
	return r, n, nil
}

// RateLine returns line i of RateStream's output.
func RateLine(i int64) string { return generate.Line(i) }
