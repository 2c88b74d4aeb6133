package engine

import (
	"strings"

	"github.com/gostream/gostream/engine/internal/shuffle"
)

// strIntCols is one partition of (string, int) pairs kept in columns: the
// keys' bytes in one string, where each key ends, and the values. The
// per-batch reductions under an incremental window are kept so
// (RDD.cols): the window reads them without decoding or boxing, and they
// cost less memory than boxed pairs (one string per partition, no pointer
// per element), as serialized storage would. Generic readers get the
// pairs boxed, in the same order.
type strIntCols struct {
	text string
	ends []int32
	vals []int
}

func (c *strIntCols) len() int { return len(c.vals) }

func (c *strIntCols) key(i int) string {
	start := int32(0)
	if i > 0 {
		start = c.ends[i-1]
	}
	return c.text[start:c.ends[i]]
}

// pairs returns the partition boxed, as the shuffle would have output it.
func (c *strIntCols) pairs() []any {
	out := make([]any, c.len())
	for i := range out {
		out[i] = Pair{c.key(i), c.vals[i]}
	}
	return out
}

// tableCols returns the keys and int accumulators of t in columns, or
// false when some key is not a string or the keys are too long for int32
// offsets.
func tableCols(t *shuffle.Table) (*strIntCols, bool) {
	n := t.Len()
	size := 0
	for i := range n {
		s, ok := t.StrKey(i)
		if !ok {
			return nil, false
		}
		size += len(s)
	}
	if size > 1<<31-1 {
		return nil, false
	}
	var b strings.Builder
	b.Grow(size)
	c := &strIntCols{ends: make([]int32, n), vals: make([]int, n)}
	for i := range n {
		s, _ := t.StrKey(i)
		b.WriteString(s)
		c.ends[i] = int32(b.Len())
		c.vals[i] = t.IntAcc(i)
	}
	c.text = b.String()
	return c, true
}
