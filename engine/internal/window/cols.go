package window

import (
	"strings"

	"github.com/gostream/gostream/engine/internal/shuffle"
)

// Cols is one partition of (string, int) pairs kept in columns: the keys'
// bytes in one string, where each key ends, and the values. The per-batch
// reductions under an incremental window are kept so: the window reads them
// without decoding or boxing, and they cost less memory than boxed pairs
// (one string per partition, no pointer per element), as serialized storage
// would. Generic readers get the pairs boxed (Pairs), in the same order.
type Cols struct {
	text string
	ends []int32
	vals []int
}

// Len returns the number of pairs.
func (c *Cols) Len() int { return len(c.vals) }

// Key returns the key of pair i.
func (c *Cols) Key(i int) string {
	start := int32(0)
	if i > 0 {
		start = c.ends[i-1]
	}
	return c.text[start:c.ends[i]]
}

// Val returns the value of pair i.
func (c *Cols) Val(i int) int { return c.vals[i] }

// Pairs returns the partition boxed, as the shuffle would have output it.
func Pairs[P ~struct{ Key, Value any }](c *Cols) []any {
	out := make([]any, c.Len())
	for i := range out {
		out[i] = P(struct{ Key, Value any }{c.Key(i), c.vals[i]})
	}
	return out
}

// TableCols returns the keys and int accumulators of t in columns, or
// false when some key is not a string or the keys are too long for int32
// offsets.
func TableCols(t *shuffle.Table) (*Cols, bool) {
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
	c := &Cols{ends: make([]int32, n), vals: make([]int, n)}
	for i := range n {
		s, _ := t.StrKey(i)
		b.WriteString(s)
		c.ends[i] = int32(b.Len())
		c.vals[i] = t.IntAcc(i)
	}
	c.text = b.String()
	return c, true
}
