package engine_test

import (
	"strings"

	"github.com/gostream/gostream/engine"
)

func ExampleDStream_ReduceByKey() {
	ssc := engine.NewStreamingContext("local[2]", "WordCount", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
	q := engine.NewQueue()
	lines := ssc.QueueStream(q, true)
	words := lines.FlatMap(strings.Fields)
	pairs := words.Map(func(w string) engine.Pair { return engine.KV(w, 1) })
	counts := pairs.ReduceByKey(func(a, b int) int { return a + b }, engine.NumTasks(1))
	counts.Print()
	q.Push("hello world", "hello gostream")
	if err := ssc.Start(); err != nil {
		panic(err)
	}
	if err := ssc.Advance(engine.Seconds(1)); err != nil {
		panic(err)
	}
	ssc.Stop(false)
	// Output:
	// -------------------------------------------
	// Time: 1000 ms
	// -------------------------------------------
	// (hello,2)
	// (world,1)
	// (gostream,1)
}

func ExampleDStream_Print() {
	ssc := engine.NewStreamingContext("local[2]", "Print", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
	q := engine.NewQueue()
	ssc.QueueStream(q, true).Map(func(x int) int { return x * x }).Print(3)
	q.Push(1, 2, 3, 4, 5)
	q.Push()
	ssc.Start()
	ssc.Advance(engine.Seconds(2))
	ssc.Stop(false)
	// Output:
	// -------------------------------------------
	// Time: 1000 ms
	// -------------------------------------------
	// 1
	// 4
	// 9
	// ...
	//
	// -------------------------------------------
	// Time: 2000 ms
	// -------------------------------------------
	//
}
