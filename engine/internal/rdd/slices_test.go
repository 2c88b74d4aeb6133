package rdd

import (
	"reflect"
	"testing"
)

func TestSlices(t *testing.T) {
	parts := Slices([]any{1, 2, 3, 4, 5}, 3)
	if want := [][]any{{1}, {2, 3}, {4, 5}}; !reflect.DeepEqual(parts, want) {
		t.Fatalf("Slices = %v, want %v", parts, want)
	}
	parts[0] = append(parts[0], 9)
	if parts[1][0] != 2 {
		t.Fatalf("appending to a partition wrote over the next: %v", parts)
	}
}
