package contexts

import (
	"reflect"
	"testing"
)

func TestHooksRunInOrderAndRemove(t *testing.T) {
	var h Hooks[string]
	var got []string
	h.Add(func(c string) { got = append(got, "a:"+c) })
	rmB := h.Add(func(c string) { got = append(got, "b:"+c) })
	h.Add(func(c string) {
		got = append(got, "c:"+c)
		h.Add(func(c string) { got = append(got, "added:"+c) }) // a hook may add hooks
	})
	h.Run("x")
	rmB()
	rmB() // removing twice does nothing
	h.Run("y")
	want := []string{"a:x", "b:x", "c:x", "a:y", "c:y", "added:y"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("hooks ran %v, want %v", got, want)
	}
}

func TestRunningOrder(t *testing.T) {
	var r Running[string]
	stopped := map[string]bool{}
	isStopped := func(c string) bool { return stopped[c] }
	if c, ok := r.Last(); ok || c != "" || r.List() != nil {
		t.Fatalf("empty: Last = %q, %v; List = %v", c, ok, r.List())
	}
	for _, c := range []string{"a", "b", "c"} {
		r.Starting(c, isStopped)
		r.Started(c)
	}
	if got := r.List(); !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Fatalf("List = %v, want [a b c]", got)
	}
	r.Stopped("c")
	if c, _ := r.Last(); c != "b" {
		t.Fatalf("Last after c stopped = %q, want b", c)
	}
	// d starts but fails before running: it is never listed, and the
	// next start forgets it.
	r.Starting("d", isStopped)
	stopped["d"] = true
	if c, _ := r.Last(); c != "b" {
		t.Fatalf("Last with d never running = %q, want b", c)
	}
	r.Starting("a", isStopped) // a restarted copy numbered anew
	if _, ok := r.order["d"]; ok {
		t.Fatal("the failed start of d is still numbered")
	}
	if got := r.List(); !reflect.DeepEqual(got, []string{"b", "a"}) {
		t.Fatalf("List = %v, want [b a] (a numbered last)", got)
	}
}
