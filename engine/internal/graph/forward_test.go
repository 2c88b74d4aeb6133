package graph

import (
	"reflect"
	"testing"
)

func TestForward(t *testing.T) {
	n := &Node[int64]{Slide: 10, Zero: 10}
	var asked []int64
	got := n.Forward(0, 50, func(t int64) (int64, bool) {
		asked = append(asked, t)
		return t, t != 30
	})
	if want := []int64{20, 40, 50}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Forward = %v, want %v", got, want)
	}
	if want := []int64{20, 30, 40, 50}; !reflect.DeepEqual(asked, want) {
		t.Fatalf("asked %v, want %v", asked, want)
	}
	if got := n.Forward(50, 40, nil); got != nil {
		t.Fatalf("an empty span gave %v", got)
	}
}
