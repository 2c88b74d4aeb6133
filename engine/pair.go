package engine

import (
	"strings"

	"github.com/gostream/gostream/engine/internal/sink/console"
)

// Pair is a key-value element, the element type of pair streams. It prints
// as Spark prints a tuple: (key,value).
type Pair struct {
	Key   any
	Value any
}

// KV returns the Pair (k,v).
func KV(k, v any) Pair { return Pair{Key: k, Value: v} }

func (p Pair) String() string { return Format(p) }

// Format renders v as Print shows it: a Pair as (k,v), a slice as
// [a b c] with its elements rendered the same way, anything else with fmt.
func Format(v any) string { return FormatWith(v, nil) }

// FormatWith renders v like Format, but hands every value that is neither a
// Pair nor a slice of elements to leaf (fmt.Sprint when leaf is nil). Front
// ends install a leaf that honours the String methods of interpreted types.
func FormatWith(v any, leaf func(any) string) string {
	var b strings.Builder
	console.Format[Pair](&b, v, leaf)
	return b.String()
}
