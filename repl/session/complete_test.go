package session

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func TestComplete(t *testing.T) {
	s, _ := newSession(t)
	for _, src := range []string{
		`ssc := engine.NewStreamingContext("local[2]", "t", engine.Seconds(1), engine.WithManualClock())`,
		`q := engine.NewQueue()`,
		`lines := ssc.QueueStream(q, true)`,
		`type Reading struct{ Sensor string; Value float64 }`,
		`r := Reading{"a", 1}`,
		`func (r Reading) Celsius() float64 { return r.Value }`,
		`counter := 0`,
	} {
		if _, err := s.Eval(context.Background(), src); err != nil {
			t.Fatalf("Eval(%q): %v", src, err)
		}
	}
	tests := []struct {
		name  string
		src   string
		want  []string // all of these among the matches
		start int      // offset of the replaced text
	}{
		{name: "method of a value", src: "lines.Fl", want: []string{"FlatMap", "FlatMapValues"}, start: 6},
		{name: "package member", src: "engine.NewStr", want: []string{"NewStreamingContext"}, start: 7},
		{name: "stdlib member", src: "x := strings.Fie", want: []string{"Fields", "FieldsFunc"}, start: 13},
		{name: "global variable", src: "coun", want: []string{"counter"}, start: 0},
		{name: "package name", src: "eng", want: []string{"engine"}, start: 0},
		{name: "user type", src: "Read", want: []string{"Reading"}, start: 0},
		{name: "struct field", src: "r.Sen", want: []string{"Sensor"}, start: 2},
		{name: "method of an interpreted type", src: "r.Cel", want: []string{"Celsius"}, start: 2},
		{name: "keyword", src: "fun", want: []string{"func"}, start: 0},
		{name: "context method", src: "ssc.St", want: []string{"Start", "Stop"}, start: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, start, end := s.Complete(tt.src, len(tt.src))
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("Complete(%q) = %v; want it to contain %q", tt.src, got, w)
				}
			}
			if start != tt.start || end != len(tt.src) {
				t.Errorf("Complete(%q) range = [%d,%d); want [%d,%d)", tt.src, start, end, tt.start, len(tt.src))
			}
		})
	}
}

func TestInspect(t *testing.T) {
	s, _ := newSession(t)
	if _, err := s.Eval(context.Background(), "n := 42"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		src  string
		want string
	}{
		{"engine.NewStreamingContext", "func engine.NewStreamingContext(string, string, time.Duration, ...engine.Option) *engine.StreamingContext"},
		{"strings.Fields", "func strings.Fields(string) []string"},
		{"engine.DStream", "type engine.DStream struct"},
		{"n", "n int"},
		{"engine.DStream.Map", "func (*engine.DStream) Map(interface {}) *engine.DStream"},
		{"fmt", `package fmt // import "fmt"`},
	}
	for _, tt := range tests {
		doc, ok := s.Inspect(tt.src, len(tt.src))
		if !ok || !strings.Contains(doc, tt.want) {
			t.Errorf("Inspect(%q) = %q, %v; want it to contain %q", tt.src, doc, ok, tt.want)
		}
	}
	if doc, ok := s.Inspect("nosuchname", 3); ok {
		t.Errorf("Inspect(nosuchname) = %q; want nothing", doc)
	}
}

// TestInspectShowsDocComment: a gostream name's doc comment follows its
// signature, indented, whether it is named through its package or its
// type or is a method of a value (also one promoted from an embedded
// type); names without a doc comment show the signature alone.
func TestInspectShowsDocComment(t *testing.T) {
	s, _ := newSession(t)
	for _, src := range []string{
		`ssc := engine.NewStreamingContext("local[2]", "docs", time.Second)`,
		"lines := ssc.QueueStream(engine.NewQueue(), true)",
		"ms := &engine.MapWithStateDStream{DStream: lines}",
		"func twice(n int) int { return 2 * n }",
	} {
		if _, err := s.Eval(context.Background(), src); err != nil {
			t.Fatalf("%s: %v", src, err)
		}
	}
	flatMap := "lines.FlatMap func(interface {}) *engine.DStream\n    FlatMap applies f, a func(T) []U, and flattens the results."
	tests := []struct {
		name   string
		src    string
		cursor int
		want   string
	}{
		{"method of a value", "lines.FlatMap", -1, flatMap},
		{"cursor inside the name", "lines.FlatMap", 8, flatMap},
		{"cursor after the parenthesis", "lines.FlatMap(", -1, flatMap},
		{"method through its type", "engine.DStream.FlatMap", -1,
			"func (*engine.DStream) FlatMap(interface {}) *engine.DStream\n    FlatMap applies f, a func(T) []U, and flattens the results."},
		{"promoted method", "ms.Map", -1,
			"ms.Map func(interface {}) *engine.DStream\n    Map applies f, a func(T) U, to every element."},
		{"variable", "engine.ErrStopped", -1,
			"var engine.ErrStopped error\n    ErrStopped is returned when an operation needs a context that is not stopped."},
		{"user function", "twice", -1, "twice func(int) int"},
		{"standard library", "strings.Fields", -1, "func strings.Fields(string) []string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cursor := tt.cursor
			if cursor < 0 {
				cursor = len(tt.src)
			}
			got, ok := s.Inspect(tt.src, cursor)
			if !ok || got != tt.want {
				t.Errorf("Inspect(%q, %d) = %q, %v; want %q", tt.src, cursor, got, ok, tt.want)
			}
		})
	}
	got, ok := s.Inspect("engine.DStream", len("engine.DStream"))
	want := "type engine.DStream struct\n    DStream is a discretized stream: a sequence of RDDs, one per batch (or per\n"
	if !ok || !strings.HasPrefix(got, want) || !strings.Contains(got, "started.\n\n    Cache() *engine.DStream\n") {
		t.Errorf("Inspect(engine.DStream) = %q; want the doc comment between the signature and the members", got)
	}
}

func TestIsComplete(t *testing.T) {
	s, _ := newSession(t)
	tests := []struct {
		src, status string
	}{
		{"x := 1", "complete"},
		{"func f() {", "incomplete"},
		{"func f() {\n\treturn\n}", "complete"},
		{"x := []int{\n1,", "incomplete"},
		{"s := `raw", "incomplete"},
		{"/* a comment", "incomplete"},
		{"s := \"not closed\n", "invalid"},
		{"r := 'x\n", "invalid"},
		{"f(\"not closed\n", "invalid"},
		{"x := 1 +", "incomplete"},
		{"lines.\n", "incomplete"},
		{"x := )", "invalid"},
		{"for {", "incomplete"},
		{"import \"fmt\"", "complete"},
		{"1 + 2 3", "invalid"},
	}
	for _, tt := range tests {
		if got, _ := s.IsComplete(tt.src); got != tt.status {
			t.Errorf("IsComplete(%q) = %q; want %q", tt.src, got, tt.status)
		}
	}
}

// TestGlobalsAfterAFailedDefinition: after an input that fails while
// defining a variable, the names known before are still listed and offered.
func TestGlobalsAfterAFailedDefinition(t *testing.T) {
	s, _ := newSession(t)
	mustEval(t, s, `ssc := engine.NewStreamingContext("local[2]", "g", engine.Seconds(1), engine.WithManualClock())
lines := ssc.QueueStream(engine.NewQueue(), true)`)
	if _, err := s.Eval(context.Background(), "words := lines.FlatMap(strings.Fieldz)"); err == nil {
		t.Fatal("strings.Fieldz compiled")
	}
	if got := strings.Join(s.Globals(), " "); got != "lines ssc" {
		t.Errorf("Globals() = %q; want \"lines ssc\"", got)
	}
	if m, _, _ := s.Complete("lin", 3); len(m) != 1 || m[0] != "lines" {
		t.Errorf("Complete(\"lin\") = %q; want [lines]", m)
	}
}
