package session

import (
	"context"
	"testing"
)

// TestValueOfLastStatement: an input shows a value only when it ends with
// an expression that has one. The interpreter answers a chunk without a
// value (a call of a function without results, most of all a compiled
// method at the end of a chain) with a stale slot of its frame, often the
// first global variable: here a *StreamingContext declared first, whose
// dump must never appear as a value.
func TestValueOfLastStatement(t *testing.T) {
	s, _ := newSession(t)
	mustEval(t, s, `
ssc := engine.NewStreamingContext("local[2]", "x", engine.Seconds(1))
q := engine.NewQueue()
qs := []*engine.Queue{q}
byName := map[string]*engine.Queue{"q": q}
ch := make(chan *engine.Queue, 10)
type Box struct{ N int }
func (b *Box) Touch()   { b.N++ }
func (b *Box) Get() int { return b.N }
func newBox() *Box      { return &Box{N: 7} }
type Wrapped struct{ *engine.Queue }
func wrap() Wrapped     { return Wrapped{q} }
func nothing()          {}
bx := newBox()`)
	for _, tc := range []struct {
		name string
		src  string
		text string // "" for no value
	}{
		{name: "method chain ending in a void compiled method", src: "ssc.QueueStream(q, true).Map(strings.ToUpper).Print()"},
		{name: "void compiled method", src: "q.Push(1)"},
		{name: "void method of an indexed slice element", src: "qs[0].Push(2)"},
		{name: "void method of a map element", src: `byName["q"].Push(3)`},
		{name: "void method of a received value", src: "ch <- q\n(<-ch).Push(4)"},
		{name: "void method of an embedded compiled type", src: "wrap().Push(5)"},
		{name: "void interpreted func", src: "nothing()"},
		{name: "void interpreted method", src: "bx.Touch()"},
		{name: "void method of a call result", src: "newBox().Touch()"},
		{name: "void func value called", src: "f := nothing\nf()"},
		{name: "assignment", src: "bx.N = 7"},
		{name: "short variable declaration", src: "y := 42"},
		{name: "increment", src: "y++"},
		{name: "go statement", src: "go nothing()"},
		{name: "go statement of a compiled method", src: "go q.Len()"},
		{name: "declaration", src: "func later() int { return 1 }"},
		{name: "expression statement then void call", src: "ssc\nq.Push(6)"},

		{name: "variable", src: "y", text: "43"},
		{name: "arithmetic", src: "y - 1", text: "42"},
		{name: "compiled method with a result", src: "qs[0].Len()", text: "6"},
		{name: "interpreted method with a result", src: "bx.Get()", text: "7"},
		{name: "chained call with a result", src: "ssc.QueueStream(q, true).Count().Name()", text: "Count"},
		{name: "interpreted func with a result", src: "later()", text: "1"},
		{name: "func value", src: "nothing", text: "func()"},
		{name: "composite literal", src: "[]int{1, 2}", text: "[1 2]"},
		{name: "nil", src: "nil", text: "<nil>"},
		{name: "value after a void call", src: "q.Push(7)\nq.Len()", text: "7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := s.Eval(context.Background(), tc.src)
			if err != nil {
				t.Fatalf("Eval(%q): %v", tc.src, err)
			}
			if tc.text == "" {
				if res.HasValue {
					t.Errorf("Eval(%q) shows %q; want no value", tc.src, res.Text)
				}
				return
			}
			if !res.HasValue || res.Text != tc.text {
				t.Errorf("Eval(%q) = %v %q; want %q", tc.src, res.HasValue, res.Text, tc.text)
			}
		})
	}
}
