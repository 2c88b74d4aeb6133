package scheduler

import (
	"fmt"
	"slices"
	"testing"
)

type listener interface{ Done(string) }

type hearer interface{ Hear(string) }

type log struct {
	name string
	got  *[]string
}

func (l log) Done(e string) { *l.got = append(*l.got, l.name+" done "+e) }

type hearing struct{ log }

func (h hearing) Hear(e string) { *h.got = append(*h.got, h.name+" heard "+e) }

// wrapper stands for a listener that implements listener alone; its view
// implements the rest.
type wrapper struct{ log }

type unhashable struct {
	log
	tags []string
}

func TestBusPost(t *testing.T) {
	var got, reports []string
	b := NewBus[listener](func(method string, r any) { reports = append(reports, fmt.Sprintf("%s: %v", method, r)) })
	a, h, w := log{"a", &got}, hearing{log{"h", &got}}, wrapper{log{"w", &got}}
	b.Add(a)
	b.Add(h)
	b.Add(w)
	b.SetViews(func(l listener) []any {
		if w, ok := l.(wrapper); ok {
			return []any{hearing{w.log}}
		}
		return nil
	})
	Post(b, b.List(), "Hear", func(l hearer) { l.Hear("x") })
	Post(b, b.List(), "Done", func(l listener) { l.Done("y") })
	want := []string{"h heard x", "w heard x", "a done y", "h done y", "w done y"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}

	got = nil
	Post(b, b.List(), "Hear", func(l hearer) {
		if h, ok := l.(hearing); ok && h.name == "h" {
			panic("boom")
		}
		l.Hear("z")
	})
	if !slices.Equal(got, []string{"w heard z"}) || !slices.Equal(reports, []string{"Hear: boom"}) {
		t.Fatalf("after a panic: got %q, reports %q", got, reports)
	}
	if n := len(b.List()); n != 3 {
		t.Fatalf("%d listeners after a panic, want 3: a listener that panics stays", n)
	}
}

func TestBusRemove(t *testing.T) {
	var got []string
	b := NewBus[listener](nil)
	u := unhashable{log{"u", &got}, []string{"t"}}
	p := &hearing{log{"p", &got}}
	b.Add(u)
	b.Add(p)
	b.Add(log{"a", &got})
	b.Remove(u) // not comparable: equals nothing, and does not panic
	b.Remove(&hearing{log{"p", &got}})
	if n := len(b.List()); n != 3 {
		t.Fatalf("%d listeners, want 3: removed one that was not registered", n)
	}
	b.Remove(p)
	b.Remove(log{"a", &got})
	if l := b.List(); len(l) != 1 {
		t.Fatalf("listeners %v, want only the unhashable one", l)
	}
}
