package main

import (
	"fmt"

	"github.com/gostream/gostream/engine"
)

// A batch fails because its function panics; later, main itself panics.
// The panic reported is main's, at its own line, not the batch's.
func main() {
	ssc := engine.NewStreamingContext("local[2]", "BatchPanic", engine.Seconds(1),
		engine.WithManualClock(), engine.WithBatchLog(nil))
	q := engine.NewQueue()
	ssc.QueueStream(q, true).Map(func(s string) int {
		panic("bad record " + s)
	}).Print()
	ssc.Start()
	q.Push("x")
	fmt.Println("advance:", ssc.Advance(engine.Seconds(1)))
	ssc.Stop(false)
	fail("after the stream")
}

func fail(why string) {
	panic("failed " + why)
}

// Exit: 1
// Output:
// advance: engine: Map at 1000 ms: function panicked on element of type string: bad record x
// panic: testdata/run/batchpanic.go:26:8: failed after the stream
// 	testdata/run/batchpanic.go:26:8: panic: main.fail(...)
// 	testdata/run/batchpanic.go:12:9: panic: main.main(...)
// Compiled exit: 2
// Compiled output:
// advance: engine: Map at 1000 ms: function panicked on element of type string: bad record x
// panic: failed after the stream
//
// goroutine 1 [running]:
// main.fail(...)
// 	testdata/run/batchpanic.go:26
// main.main()
// 	testdata/run/batchpanic.go:22
