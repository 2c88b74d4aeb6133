package main

import (
	"fmt"

	"github.com/gostream/gostream/engine"
)

func main() {
	ssc := engine.NewStreamingContext("local[2]", "Count", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
	q := engine.NewQueue()
	ssc.QueueStream(q, true).Count().Print()
	q.Push(1, 2, 3)
	if err := ssc.Start(); err != nil {
		panic(err)
	}
	ssc.Advance(engine.Seconds(1))
	ssc.Stop(false)
	fmt.Println("UI:", engine.UIURL() != "")
}
