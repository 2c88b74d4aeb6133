package main

import (
	"fmt"

	"github.com/gostream/gostream/engine"
)

// The closures passed to the engine are compiled when the program is
// interpreted too: the first sees the later assignment to width, the
// second's division by zero says where it is.
func main() {
	ssc := engine.NewStreamingContext("local[2]", "ClosurePanic", engine.Seconds(1),
		engine.WithManualClock(), engine.WithBatchLog(nil))
	q := engine.NewQueue()
	width := 1
	lens := ssc.QueueStream(q, true).Map(func(s string) int { return len(s) * width })
	lens.Map(func(n int) int { return 100 / n }).Print()
	width = 10
	ssc.Start()
	q.Push("abcd", "ab")
	fmt.Println("advance:", ssc.Advance(engine.Seconds(1)))
	q.Push("")
	fmt.Println("advance:", ssc.Advance(engine.Seconds(1)))
	ssc.Stop(false)
}

// Output:
// -------------------------------------------
// Time: 1000 ms
// -------------------------------------------
// 2
// 5
//
// advance: <nil>
// advance: engine: Map at 2000 ms: function panicked on element of type int: testdata/run/closurepanic.go:18:36: runtime error: integer divide by zero
// Compiled output:
// -------------------------------------------
// Time: 1000 ms
// -------------------------------------------
// 2
// 5
//
// advance: <nil>
// advance: engine: Map at 2000 ms: function panicked on element of type int: runtime error: integer divide by zero
