package generate

import (
	"strings"

	"github.com/gostream/gostream/engine/internal/shuffle"
)

var words = strings.Fields(`the of and to a in is that it for was on are as with his they at be this
from have or by one had not but what all were when we there can an your which their said if do will each
about how up out them then she many some so these would other into has more her two like him see time could
no make than first been its who now people my made over did down only way find use may water long little
very after words called just where most know spark stream batch window state go`)

// Line returns line i.
func Line(i int64) string {
	h := shuffle.Mix(uint64(i))
	n := 6 + int(h%5)
	var b strings.Builder
	for j := 0; j < n; j++ {
		h = shuffle.Mix(h + uint64(j))
		// The smaller of two uniform picks skews towards the front of the vocabulary.
		a, c := int(h%uint64(len(words))), int((h>>32)%uint64(len(words)))
		if j > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[min(a, c)])
	}
	return b.String()
}

// PerBatch is the number of lines in a batch batchMS long of a stream of
// perSecond lines a second: at least one.
func PerBatch(perSecond int, batchMS int64) int64 {
	return max(int64(perSecond)*batchMS/1000, 1)
}

// First is the number of the first line of batch tMS, per lines a batch.
func First(tMS, batchMS, per int64) int64 { return (tMS/batchMS - 1) * per }

// Part returns the line numbers [lo, hi) of partition part of p of a batch
// of per lines from first.
func Part(first, per int64, part, p int) (lo, hi int64) {
	return first + int64(part)*per/int64(p), first + int64(part+1)*per/int64(p)
}

// Batch is the lines of one batch, cut over Parts partitions.
type Batch struct {
	Lines int64 // how many
	Parts int
	first int64
}

// NewBatch returns the batch tMS of a stream of perSecond lines a second
// in batches of batchMS, over p partitions.
func NewBatch(perSecond int, tMS, batchMS int64, p int) Batch {
	per := PerBatch(perSecond, batchMS)
	return Batch{Lines: per, Parts: p, first: First(tMS, batchMS, per)}
}

// Emit emits the lines of partition part, in order.
func (b Batch) Emit(part int, emit func(any)) {
	lo, hi := Part(b.first, b.Lines, part, b.Parts)
	for i := lo; i < hi; i++ {
		emit(Line(i))
	}
}
