package exec

import (
	"reflect"
	"testing"
)

func TestExpansion(t *testing.T) {
	e := NewExpansion()
	twice := func(x any, emit func(any)) {
		if x == "boom" {
			panic("bad element")
		}
		emit(x)
		emit(x)
	}
	var failed []any
	fail := func(r, x any) { failed = append(failed, r, x) }
	got := e.Expand(twice, 1, fail)
	if !reflect.DeepEqual(got, []any{1, 1}) {
		t.Fatalf("got %v, want [1 1]", got)
	}
	e.Done()
	if got := e.Expand(twice, "a", fail); !reflect.DeepEqual(got, []any{"a", "a"}) {
		t.Fatalf("second element: got %v, want [a a]", got)
	}
	e.Done()
	if failed != nil {
		t.Fatalf("fail called with %v", failed)
	}
	e.Expand(twice, "boom", fail)
	if want := []any{"bad element", "boom"}; !reflect.DeepEqual(failed, want) {
		t.Fatalf("fail got %v, want %v", failed, want)
	}
}

func TestExpansionDoneDropsResults(t *testing.T) {
	e := NewExpansion()
	big := make([]byte, 10)
	e.Expand(func(x any, emit func(any)) { emit(big) }, nil, func(r, x any) { t.Fatal(r) })
	e.Done()
	if buf := e.buf[:cap(e.buf)]; buf[0] != nil {
		t.Fatal("Done kept a reference to an emitted result")
	}
}
