package engine

import "strings"

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
	batchMS := durMS(s.ssc.batch)
	per := int64(s.perSecond) * batchMS / 1000
	if per == 0 {
		per = 1
	}
	first := (int64(t)/batchMS - 1) * per
	p := s.ssc.ex.parallelism
	r := newRDD(s.ssc.ex, "RateStream", p, nil, func(part int, emit func(any)) {
		lo := first + int64(part)*per/int64(p)
		hi := first + int64(part+1)*per/int64(p)
		for i := lo; i < hi; i++ {
			emit(RateLine(i))
		}
	})
	return r, int(per)
}

var rateWords = strings.Fields(`the of and to a in is that it for was on are as with his they at be this
from have or by one had not but what all were when we there can an your which their said if do will each
about how up out them then she many some so these would other into has more her two like him see time could
no make than first been its who now people my made over did down only way find use may water long little
very after words called just where most know spark stream batch window state go`)

// RateLine returns line i of RateStream's output.
func RateLine(i int64) string {
	h := mix(uint64(i))
	n := 6 + int(h%5)
	var b strings.Builder
	for j := 0; j < n; j++ {
		h = mix(h + uint64(j))
		// The smaller of two uniform picks skews towards the front of the vocabulary.
		a, c := int(h%uint64(len(rateWords))), int((h>>32)%uint64(len(rateWords)))
		if j > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(rateWords[min(a, c)])
	}
	return b.String()
}
