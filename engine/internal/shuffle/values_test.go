package shuffle

import (
	"fmt"
	"testing"
)

func TestValuesAndConcat(t *testing.T) {
	a := ValuesMerge(ValuesCreate(1), 2)
	b := ValuesMerge(ValuesCreate(3), 4)
	if got := fmt.Sprint(*ValuesCombine(a, b).(*[]any)); got != "[1 2 3 4]" {
		t.Errorf("values: %s", got)
	}
	first := []any{"x", "y"}
	g := ConcatCreate(first)
	g = ConcatMerge(g, []any{"z"})
	g = GroupCombine(g, []any{"w"})
	if got := fmt.Sprint(g, first); got != "[x y z w] [x y]" {
		t.Errorf("concat: %s (the first group must not change)", got)
	}
}
