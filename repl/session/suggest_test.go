package session

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestSuggestions: an undefined name close to a known one is answered with
// the known one, whatever kind of name it is; names far from every known
// one get no suggestion.
func TestSuggestions(t *testing.T) {
	s, _ := newSession(t)
	mustEval(t, s, `ssc := engine.NewStreamingContext("local[2]", "typos", engine.Seconds(1), engine.WithManualClock())
lines := ssc.QueueStream(engine.NewQueue(), true)
type Reading struct{ Sensor string }
r := Reading{}`)
	for _, c := range []struct{ src, want string }{
		{"lines.FlatMapp(strings.Fields)", "1:7: lines.FlatMapp undefined (type *engine.DStream has no field or method FlatMapp) (did you mean FlatMap?)"},
		{"lines.FlatMap(strings.Fields).Mapp(strings.ToUpper)", "(did you mean Map?)"},
		{"words := lines.FlatMap(strings.Fieldz)", "1:32: undefined: strings.Fieldz (did you mean Fields?)"},
		{"engine.Secnds(1)", "1:8: undefined: engine.Secnds (did you mean Seconds?)"},
		{"fmt.Printn(1)", "(did you mean Print or Printf or Println?)"},
		{"x := linez", "1:6: undefined: linez (did you mean lines?)"},
		{"r.Snesor", "(did you mean Sensor?)"},
		{"d := Seconds(1)", "1:6: undefined: Seconds (did you mean engine.Seconds?)"},
		{"ssc.awaitTermination()", "but does have method AwaitTermination"},
		{`lines.SaveAsHadoopFiles("out", "txt")`, "has no field or method SaveAsHadoopFiles) (did you mean SaveAsParquetFiles? Go has no Hadoop OutputFormat"},
		{`lines.saveAsHadoopFiles("out", "txt")`, "(did you mean SaveAsParquetFiles?"},
		{"lines.FlatMap(strings.Fields).Map(engine.WithOne).ReduceByKey(engine.Sum, 4)", "(optional parameters are options: engine.NumTasks(n)"},
	} {
		_, err := s.Eval(context.Background(), c.src)
		var ee *EvalError
		if !errors.As(err, &ee) || !strings.Contains(ee.Message, c.want) {
			t.Errorf("Eval(%q) = %v; want a message containing %q", c.src, err, c.want)
		}
	}
	for _, src := range []string{"x := nosuchthing", "lines.Zebra()", "r.Sensor.Foo"} {
		_, err := s.Eval(context.Background(), src)
		if err == nil || strings.Contains(err.Error(), "did you mean") {
			t.Errorf("Eval(%q) = %v; want an error without a suggestion", src, err)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{
		{"", "", 0}, {"map", "map", 0}, {"flatmapp", "flatmap", 1}, {"nmae", "name", 1},
		{"prnt", "print", 1}, {"kitten", "sitting", 3},
	} {
		if d := editDistance(c.a, c.b); d != c.d {
			t.Errorf("editDistance(%q, %q) = %d; want %d", c.a, c.b, d, c.d)
		}
	}
}

// TestEngineErrorPosition: a graph built wrongly is reported at the
// operation that refused it, also inside a chain over several lines, and
// at the statement when the operation occurs more than once there.
func TestEngineErrorPosition(t *testing.T) {
	s, _ := newSession(t)
	mustEval(t, s, `ssc := engine.NewStreamingContext("local[2]", "where", engine.Seconds(1), engine.WithManualClock())
lines := ssc.QueueStream(engine.NewQueue(), true)`)
	for _, c := range []struct{ src, want string }{
		{"counts := lines.\n\tFlatMap(strings.Fields).\n\tMap(func(a, b int) int { return a })", "3:2: engine: Map: "},
		{"a := 1; w := lines.Window(engine.Seconds(3), engine.Milliseconds(1500))", "1:20: engine: Window: "},
		{"lines.Map(strings.ToUpper).Map(func(a, b int) {})", "1:1: engine: Map: "},
	} {
		_, err := s.Eval(context.Background(), c.src)
		var ee *EvalError
		if !errors.As(err, &ee) || ee.Name != "engine.Error" || !strings.HasPrefix(ee.Message, c.want) {
			t.Errorf("Eval(%q) = %v; want an engine.Error starting with %q", c.src, err, c.want)
		}
	}
}

func TestDidYouMean(t *testing.T) {
	s, _ := newSession(t)
	mustEval(t, s, `ssc := engine.NewStreamingContext("local[2]", "doc", engine.Seconds(1), engine.WithManualClock())
lines := ssc.QueueStream(engine.NewQueue(), true)`)
	for _, c := range []struct{ chain, want string }{
		{"linez", "lines"},
		{"strings.Fieldz", "strings.Fields"},
		{"lines.FlatMapp", "lines.FlatMap"},
		{"engine.Secnds", "engine.Seconds"},
		{"zebra", ""},
	} {
		if got := s.DidYouMean(c.chain); got != c.want {
			t.Errorf("DidYouMean(%q) = %q; want %q", c.chain, got, c.want)
		}
	}
}

// TestHabitHints: habits from Scala get a line saying how Go writes it;
// a syntax error is reported once, not with the errors that follow from it.
func TestHabitHints(t *testing.T) {
	s, _ := newSession(t)
	mustEval(t, s, `ssc := engine.NewStreamingContext("local[2]", "habits", engine.Seconds(1), engine.WithManualClock())
words := ssc.QueueStream(engine.NewQueue(), true)`)
	for _, c := range []struct{ src, want string }{
		{"words.Map(w => len(w))", "1:13: expected '==', found '='\nGo has no => lambdas: write a function literal"},
		{"words.map(strings.ToUpper)", "found 'map'\nmethods start with a capital letter: Map"},
		{"words.Map(func(w string) (string, int) { return w, 1 })", "got func(string) (string, int)\na function gives one result; for a pair, return engine.KV(k, v)"},
	} {
		_, err := s.Eval(context.Background(), c.src)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Count(err.Error(), "\n") != 1 {
			t.Errorf("Eval(%q) = %v; want two lines with %q", c.src, err, c.want)
		}
	}
	if _, err := s.Eval(context.Background(), `arrow := "a => b" + 1`); err == nil || strings.Contains(err.Error(), "lambdas") {
		t.Errorf("=> inside a string: %v; want an error without the lambda hint", err)
	}
}

// TestUnavailableImport: importing a package the interpreter does not have
// says so, at the line of the import in a script.
func TestUnavailableImport(t *testing.T) {
	s, _ := newSession(t)
	_, err := s.EvalAt(context.Background(), "x := 1\nimport (\n\t\"fmt\"\n\t\"os/exec\"\n)", "", 10)
	want := `13:8: import "os/exec": package not available: the interpreter has the standard library`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("import of os/exec: %v; want %q...", err, want)
	}
}
