package session_test

import (
	"context"
	"fmt"
	"os"

	"github.com/gostream/gostream/repl/session"
)

// An input may mix imports, declarations and statements; its trailing
// expression is its value, formatted with the String methods of
// interpreted types.
func ExampleSession_Eval() {
	s, err := session.New(session.Options{Stdout: os.Stdout, Stderr: os.Stdout})
	if err != nil {
		panic(err)
	}
	defer s.Close()
	ctx := context.Background()

	s.Eval(ctx, `
type Temp struct{ C float64 }
func (t Temp) String() string { return fmt.Sprintf("%.1f°C", t.C) }
readings := []Temp{{19.5}, {21}}
fmt.Println("readings:", len(readings))`)

	res, _ := s.Eval(ctx, `engine.KV("kitchen", readings[1])`)
	fmt.Println(res.Text)

	_, err = s.Eval(ctx, "x := 1\n\ny := x + nosuch")
	fmt.Println(err)
	// Output:
	// readings: 2
	// (kitchen,21.0°C)
	// 3:10: undefined: nosuch
}

// A context prints to the output of the input that started it, also after
// that input returned.
func ExampleSession_SetOutput() {
	s, _ := session.New(session.Options{Stdout: os.Stdout})
	defer s.Close()
	ctx := context.Background()
	s.Eval(ctx, `
ssc := engine.NewStreamingContext("local[2]", "words", engine.Seconds(1), engine.WithManualClock())
q := engine.NewQueue()
ssc.QueueStream(q, true).FlatMap(strings.Fields).CountByValue().Print()
ssc.Start()`)
	s.SetOutput(nil, nil) // later inputs print nothing
	s.Eval(ctx, `q.Push("go go stream"); ssc.Advance(engine.Seconds(1)); fmt.Println("not shown")`)
	// Output:
	// -------------------------------------------
	// Time: 1000 ms
	// -------------------------------------------
	// (go,2)
	// (stream,1)
}
