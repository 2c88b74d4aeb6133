package console

import "strings"

const dashes = "-------------------------------------------\n"

// Batch returns Print's block for the batch at time t: the first n of
// first, each rendered by format, and "..." when first holds more.
func Batch(t string, first []any, n int, format func(any) string) string {
	var b strings.Builder
	b.WriteString(dashes)
	b.WriteString("Time: " + t + "\n")
	b.WriteString(dashes)
	for i, x := range first {
		if i == n {
			b.WriteString("...\n")
			break
		}
		b.WriteString(format(x))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	return b.String()
}
