package session

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func newSession(t *testing.T) (*Session, *bytes.Buffer) {
	t.Helper()
	var out bytes.Buffer
	s, err := New(Options{Stdout: &out, Stderr: &out})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, &out
}

// TestEval runs inputs in one session, in order, checking what a user sees
// for each: the output written, the value shown, or the error.
func TestEval(t *testing.T) {
	s, out := newSession(t)
	steps := []struct {
		name    string
		src     string
		out     string // output written during the input
		text    string // Result.Text; "" means no value
		errName string
		errMsg  string // substring of the error message
	}{
		{name: "statement shows nothing", src: "x := 1"},
		{name: "expression shows value", src: "x + 1", text: "2"},
		{name: "redefine variable", src: "x := \"now a string\"\nx", text: "now a string"},
		{name: "function", src: "func f() int { return 1 }\nf()", text: "1"},
		{name: "redefine function", src: "func f() int { return 2 }", text: ""},
		{name: "redefined function used", src: "f()", text: "2"},
		{name: "mixed import decl statements", src: "import \"unicode\"\ntype W struct{ N int }\nw := W{3}\nfunc up(s string) bool { return unicode.IsUpper(rune(s[0])) }\nup(\"Go\")", text: "true"},
		{name: "statement then declaration using it", src: "base := 10\nfunc addBase(n int) int { return n + base }\naddBase(5)", text: "15"},
		{name: "import again", src: "import \"strings\"\nimport (\n\t\"fmt\"\n\tstr \"strings\"\n)\nstr.Repeat(\"ab\", 2)", text: "abab"},
		{name: "import new after import", src: "import \"unicode/utf8\"\nutf8.RuneLen('é')", text: "2"},
		{name: "function literal called", src: "counter := 1\nfunc() { counter++ }()\nfunc() int { return counter * 10 }()", text: "20"},
		{name: "literal not run again by declarations", src: "var later = 1\nfunc laterToo() {}\ncounter", text: "2"},
		{name: "if with comma-ok", src: "seen := map[string]bool{\"a\": true}\nif v, ok := seen[\"a\"]; ok && v {\n\tcounter = 100\n}\ncounter", text: "100"},
		{name: "type switch", src: "var anything any = 2.5\nswitch x := anything.(type) {\ncase float64:\n\tcounter = int(x * 2)\n}\ncounter", text: "5"},
		{name: "interpreted Println", src: `fmt.Println("hello", 42)`, out: "hello 42\n"},
		{name: "interpreted write to os.Stdout", src: "import \"os\"\nos.Stdout.WriteString(\"direct\\n\")", out: "direct\n", text: "7"},
		{name: "os.Stdout again", src: "fmt.Fprintln(os.Stdout, \"again\")", out: "again\n"},
		{name: "compiled write to os.Stdout", src: "engine.Format(nil)\nimport \"log\"\nlog.SetOutput(os.Stderr); log.SetFlags(0); log.Print(\"logged\")", out: "logged\n"},
		{name: "pre-imported packages", src: `strings.ToUpper("a") + strconv.Itoa(1) + fmt.Sprint(math.Sqrt(4)) + time.Duration(0).String()`, text: "A12" + "0s"},
		{name: "pre-imported engine", src: `engine.KV("a", 1)`, text: "(a,1)"},
		{name: "chained call without result", src: "xs := engine.NewStreamingContext(\"local\", \"chain\", engine.Seconds(1), engine.WithManualClock())\nxs.QueueStream(engine.NewQueue(), true).Count().Print()"},
		{name: "chained call with result", src: "xs.QueueStream(engine.NewQueue(), true).Count().Name()", text: "Count"},
		{name: "nil error hidden", src: "func ok() error { return nil }\nok()"},
		{name: "String method honoured", src: "type Temp struct{ C float64 }\nfunc (t Temp) String() string { return fmt.Sprintf(\"%.1f°C\", t.C) }\nTemp{21.5}", text: "21.5°C"},
		{name: "engine handle", src: `engine.NewStreamingContext("local", "h", engine.Seconds(1))`, text: `StreamingContext(local, "h", batch 1s, INITIALIZED)`},
		{name: "String method inside a Pair", src: `engine.KV("room", Temp{20})`, text: "(room,20.0°C)"},
		{name: "compile error position", src: "a := 1\n\na + undefinedThing", errName: "CompileError", errMsg: "3:5: undefined: undefinedThing"},
		{name: "compile error in declaration", src: "y := 1\nfunc g() {\n\tfoo()\n}", errName: "CompileError", errMsg: "3:2: undefined: foo"},
		{name: "syntax error", src: "x := (1 +", errName: "CompileError", errMsg: "1:"},
		{name: "runtime panic", src: "var m map[string]int\nm[\"a\"] = 1", errName: "panic", errMsg: "assignment to entry in nil map"},
		{name: "user panic", src: "func boom() { panic(\"kaboom\") }\nboom()", errName: "panic", errMsg: "kaboom"},
		{name: "range over int literal", src: "total := 0\nfor i := range 4 { total += i }\ntotal", text: "6"},
		{name: "range over int in a function", src: "func sumTo(n int64) int64 {\n\tvar s int64\n\tfor i := range n {\n\t\ts += i\n\t}\n\treturn s\n}\nsumTo(5)", text: "10"},
		{name: "range over int from an earlier input", src: "for range total { total-- }\ntotal", text: "0"},
		{name: "range over a slice untouched", src: "acc := 0\nfor i, v := range []int{5, 6} { acc += i * v }\nacc", text: "6"},
		{name: "interpreter crash range over func", src: "for x := range func(yield func(int) bool) { yield(1) } { _ = x }", errName: "InterpreterError"},
		{name: "comma-ok map index", src: "cm := map[string]int{\"x\": 1}\nv, found := cm[\"x\"]\n_, missing := cm[\"y\"]\nfmt.Sprint(v, found, missing)", text: "1 true false"},
		{name: "comma-ok assertion", src: "var iface any = 7\nn, isInt := iface.(int)\ns, isString := iface.(string)\nfmt.Sprintf(\"%d %v %q %v\", n, isInt, s, isString)", text: "7 true \"\" false"},
		{name: "comma-ok assertion, value only", src: "k, _ := iface.(int)\nk * 2", text: "14"},
		{name: "session lives on", src: "x", text: "now a string"},
		{name: "engine construction error", src: `engine.NewStreamingContext("nowhere", "app", engine.Seconds(1))`, errName: "engine.Error", errMsg: "NewStreamingContext"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			out.Reset()
			res, err := s.Eval(context.Background(), st.src)
			if st.errName != "" || st.errMsg != "" {
				var ee *EvalError
				if !errors.As(err, &ee) {
					t.Fatalf("Eval(%q) = %v, %v; want *EvalError %s", st.src, res, err, st.errName)
				}
				if st.errName != "" && ee.Name != st.errName {
					t.Errorf("error name = %q (%v); want %q", ee.Name, ee, st.errName)
				}
				if !strings.Contains(ee.Message, st.errMsg) {
					t.Errorf("error message = %q; want it to contain %q", ee.Message, st.errMsg)
				}
				return
			}
			if err != nil {
				t.Fatalf("Eval(%q): %v", st.src, err)
			}
			if got := out.String(); got != st.out {
				t.Errorf("output = %q; want %q", got, st.out)
			}
			if st.text == "" {
				if res.HasValue {
					t.Errorf("value %q shown; want none", res.Text)
				}
				return
			}
			if st.name == "engine handle" {
				if !strings.HasPrefix(res.Text, st.text) {
					t.Errorf("value = %q; want it to start with %q", res.Text, st.text)
				}
				return
			}
			if !res.HasValue || res.Text != st.text {
				t.Errorf("value = %v %q; want %q", res.HasValue, res.Text, st.text)
			}
		})
	}
}

// TestEvalContext: an input whose context ends is interrupted, and the
// session goes on with its variables.
func TestEvalContext(t *testing.T) {
	s, _ := newSession(t)
	mustEval(t, s, "n := 0")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := s.Eval(ctx, "for { n++ }")
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("Eval with an ended context = %v; want ErrInterrupted", err)
	}
	if r := mustEval(t, s, "n > 0"); r.Text != "true" {
		t.Errorf("n > 0 = %q; want true", r.Text)
	}
}

// TestInterruptBlockedCall: an input blocked in a compiled call cannot stop
// at once; Interrupt returns after InterruptWait and the session is usable.
func TestInterruptBlockedCall(t *testing.T) {
	defer func(d time.Duration) { InterruptWait = d }(InterruptWait)
	InterruptWait = 50 * time.Millisecond
	s, out := newSession(t)
	done := make(chan error, 1)
	go func() {
		_, err := s.Eval(context.Background(), "time.Sleep(time.Hour)")
		done <- err
	}()
	checkFor(t, 5*time.Second, "the input to start", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.stopInput != nil
	})
	s.Interrupt()
	select {
	case err := <-done:
		if !errors.Is(err, ErrInterrupted) {
			t.Fatalf("Eval = %v; want ErrInterrupted", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Eval did not return after Interrupt")
	}
	if !strings.Contains(out.String(), "still blocked") {
		t.Errorf("output %q does not say the input is still blocked", out.String())
	}
	if r := mustEval(t, s, "1 + 1"); r.Text != "2" {
		t.Errorf("1 + 1 = %q after the interrupt", r.Text)
	}
}

func TestReset(t *testing.T) {
	s, _ := newSession(t)
	mustEval(t, s, "gone := 1")
	mustEval(t, s, `ssc := engine.NewStreamingContext("local", "r", engine.Seconds(1), engine.WithManualClock())
ssc.QueueStream(engine.NewQueue(), true).Print()
ssc.Start()`)
	if n := len(s.Streams()); n != 1 {
		t.Fatalf("%d streams; want 1", n)
	}
	if err := s.Reset(); err != nil {
		t.Fatal(err)
	}
	if n := len(s.Streams()); n != 0 {
		t.Errorf("%d streams after Reset; want 0", n)
	}
	if _, err := s.Eval(context.Background(), "gone"); err == nil {
		t.Error("variable survived Reset")
	}
	if r := mustEval(t, s, `strings.Repeat("a", 2)`); r.Text != "aa" {
		t.Errorf("pre-imports after Reset: got %q", r.Text)
	}
}

// TestTypeOf: the type of names, selectors and other expressions; errors
// point into the expression the user gave, not into the call that
// evaluates it.
func TestTypeOf(t *testing.T) {
	s, _ := newSession(t)
	mustEval(t, s, "n := 3\nfunc half(x int) float64 { return float64(x) / 2 }")
	for _, c := range []struct{ expr, want string }{
		{"n", "int"},
		{"half", "func(int) float64"},
		{"half(n) + 1", "float64"},
		{"engine.KV", "func(interface {}, interface {}) engine.Pair"},
	} {
		got, err := s.TypeOf(context.Background(), c.expr)
		if err != nil || got != c.want {
			t.Errorf("TypeOf(%q) = %q, %v; want %q", c.expr, got, err, c.want)
		}
	}
	for _, c := range []struct{ expr, want string }{
		{"nosuch", "1:1: undefined: nosuch"},
		{"n + nosuch", "1:5: undefined: nosuch"},
		{"engine.Nosuch", "1:8: undefined: engine.Nosuch"},
	} {
		_, err := s.TypeOf(context.Background(), c.expr)
		var ee *EvalError
		if !errors.As(err, &ee) || !strings.HasPrefix(ee.Message, c.want) {
			t.Errorf("TypeOf(%q) error = %v; want it to start with %q", c.expr, err, c.want)
		}
	}
}

// TestEvalAt: positions of an input that starts on line 100 of a script
// count the script's lines: compile errors, scanning errors, panics, and
// the frames of a function defined there when it panics later, in a batch.
func TestEvalAt(t *testing.T) {
	s, out := newSession(t)
	for _, c := range []struct {
		src, want string
	}{
		{"a := 1\n\na + nosuch", "102:5: undefined: nosuch"},
		{"s := \"not closed\n", "100:6: string literal not terminated"},
		{"func g() {\n\tfoo()\n}", "101:2: undefined: foo"},
		{"var m map[string]int\nm[\"a\"] = 1", "101:1: assignment to entry in nil map"},
		{"func main() {}", "100:1: func main is reserved"},
	} {
		_, err := s.EvalAt(context.Background(), c.src, "", 100)
		var ee *EvalError
		if !errors.As(err, &ee) || !strings.HasPrefix(ee.Message, c.want) {
			t.Errorf("EvalAt(%q, 100) = %v; want an error starting with %q", c.src, err, c.want)
		}
	}
	mustEval(t, s, `ssc := engine.NewStreamingContext("local[2]", "at", engine.Seconds(1), engine.WithManualClock())
q := engine.NewQueue()`)
	if _, err := s.EvalAt(context.Background(), "ssc.QueueStream(q, true).Map(func(x int) int {\n\treturn 10 / x\n}).Print()\nssc.Start()\nq.Push(0)", "", 200); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	mustEval(t, s, "ssc.Advance(engine.Seconds(1))")
	// The closure is compiled: its panic says where.
	if got := out.String(); !strings.Contains(got, ": 201:9: runtime error: integer divide by zero\n") {
		t.Errorf("batch error %q; want the division on line 201 placed", got)
	}
	// An interpreted one (a loop is not compiled): the interpreter's frame.
	mustEval(t, s, `ssc.Stop(false)
ssc = engine.NewStreamingContext("local[2]", "at2", engine.Seconds(1), engine.WithManualClock())
q = engine.NewQueue()`)
	if _, err := s.EvalAt(context.Background(), "ssc.QueueStream(q, true).Map(func(x int) int {\n\tfor x == 0 { return 10 / x }\n\treturn x\n}).Print()\nssc.Start()\nq.Push(0)", "", 200); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	mustEval(t, s, "ssc.Advance(engine.Seconds(1))")
	if got := out.String(); !strings.Contains(got, "\t201:") {
		t.Errorf("batch error %q; want the frame of the function on line 201", got)
	}
	// A file: its errors name it; positions count its lines.
	if _, err := s.EvalAt(context.Background(), "\nfunc h() {\n\tpanic(\"h\")\n}\nfunc k() { nosuch() }", "lib.go", 1); err == nil ||
		!strings.HasPrefix(err.Error(), "lib.go:5:12: undefined: nosuch") {
		t.Errorf("EvalAt of a file = %v; want lib.go:5:12: undefined: nosuch", err)
	}
	if _, err := s.EvalAt(context.Background(), "\nfunc h() {\n\tpanic(\"h\")\n}", "lib.go", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Eval(context.Background(), "h()"); err == nil || !strings.HasPrefix(err.Error(), "panic: 3:") {
		t.Errorf("h() = %v; want panic: 3:...", err)
	}
	// Package-level variables of a file see the session's packages, and
	// the packages a file imports are there for later inputs.
	if _, err := s.EvalAt(context.Background(), "import \"regexp\"\nvar shout = strings.ToUpper(\"hi\")\nvar re = regexp.MustCompile(\"a+\")", "vars.go", 1); err != nil {
		t.Fatalf("EvalAt of a file with package-level variables: %v", err)
	}
	if r := mustEval(t, s, `shout + fmt.Sprint(re.MatchString("caat"), regexp.MustCompile("b").MatchString("abc"))`); r.Text != "HItrue true" {
		t.Errorf("variables of a file: %q; want \"HItrue true\"", r.Text)
	}
	if r := mustEval(t, s, "a := 6\na * 7"); r.Text != "42" {
		t.Errorf("Eval after EvalAt: %q; want 42", r.Text)
	}
}

// TestUndefinedNameStaysUndefined: a definition that fails on an undefined
// name does not leave that name behind: it does not evaluate to another
// variable's value, can be assigned to nowhere, and can then be defined.
func TestUndefinedNameStaysUndefined(t *testing.T) {
	s, _ := newSession(t)
	mustEval(t, s, "a := 10\ntype Node struct{ next *Node }")
	for _, src := range []string{"x := nosuch + 1", "nosuch", "nosuch = 3", "var v nosuchType", "v"} {
		_, err := s.Eval(context.Background(), src)
		var ee *EvalError
		if !errors.As(err, &ee) || ee.Name != "CompileError" || !strings.Contains(ee.Message, "undefined: ") {
			t.Errorf("Eval(%q) = %v; want a CompileError \"undefined: ...\"", src, err)
		}
	}
	if r := mustEval(t, s, "nosuch := 30\nnosuch + a"); r.Text != "40" {
		t.Errorf("nosuch + a = %q; want 40", r.Text)
	}
	if r := mustEval(t, s, "n := Node{next: &Node{}}\nn.next.next == nil"); r.Text != "true" {
		t.Errorf("a type defined before the failures: %q; want true", r.Text)
	}
}

// TestFailedInputChangesNothing: an input that fails to compile, or
// crashes the interpreter while compiling, neither declares its names nor
// changes those defined before.
func TestFailedInputChangesNothing(t *testing.T) {
	s, _ := newSession(t)
	mustEval(t, s, "x := 10\ntype T struct{ A int }\nv := T{1}")
	for _, src := range []string{"x := strings.Fields()", "words := strings.Fields()", "v := T{nosuch}", "x := nosuch + 1"} {
		if _, err := s.Eval(context.Background(), src); err == nil {
			t.Errorf("Eval(%q) succeeded; want an error", src)
		}
	}
	if r := mustEval(t, s, "x"); r.Text != "10" {
		t.Errorf("x after failed redefinitions = %q; want 10", r.Text)
	}
	if r := mustEval(t, s, "v.A"); r.Text != "1" {
		t.Errorf("v.A after a failed redefinition = %q; want 1", r.Text)
	}
	_, err := s.Eval(context.Background(), "words")
	var ee *EvalError
	if !errors.As(err, &ee) || !strings.Contains(ee.Message, "undefined: words") {
		t.Errorf("words after its failed definition: %v; want undefined: words", err)
	}
	if r := mustEval(t, s, "words := strings.Fields(\"a b\")\nlen(words) + x"); r.Text != "12" {
		t.Errorf("defining words after all: %q; want 12", r.Text)
	}
}
