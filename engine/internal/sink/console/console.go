package console

import (
	"fmt"
	"strings"
)

const dashes = "-------------------------------------------\n"

// Count is Print's number of elements from its optional argument num: 10
// when it is not given; an error for more than one or a negative one.
func Count(num []int) (int, error) {
	switch {
	case len(num) > 1:
		return 0, fmt.Errorf("want at most one number of elements, got %d arguments", len(num))
	case len(num) == 0:
		return 10, nil
	case num[0] < 0:
		return 0, fmt.Errorf("want a non-negative number of elements, got %d", num[0])
	}
	return num[0], nil
}

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
