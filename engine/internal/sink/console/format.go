package console

import (
	"fmt"
	"strings"
)

// Format writes v to b as Print shows it: a P (or a non-nil *P) as
// (key,value), a []any as [a b c], both with their elements written the
// same way, a string or an int as itself, and anything else by leaf
// (fmt.Sprint when leaf is nil).
func Format[P ~struct{ Key, Value any }](b *strings.Builder, v any, leaf func(any) string) {
	switch x := v.(type) {
	case string:
		b.WriteString(x)
	case int:
		fmt.Fprint(b, x)
	case P:
		kv := struct{ Key, Value any }(x)
		b.WriteByte('(')
		Format[P](b, kv.Key, leaf)
		b.WriteByte(',')
		Format[P](b, kv.Value, leaf)
		b.WriteByte(')')
	case *P:
		if x == nil {
			b.WriteString("<nil>")
			return
		}
		Format[P](b, *x, leaf)
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(' ')
			}
			Format[P](b, e, leaf)
		}
		b.WriteByte(']')
	default:
		if leaf != nil {
			b.WriteString(leaf(v))
		} else {
			fmt.Fprint(b, v)
		}
	}
}
