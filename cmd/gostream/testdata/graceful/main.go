package main

import (
	"fmt"

	"github.com/gostream/gostream/engine"
)

// Counts the records of a rate stream until SIGTERM stops it gracefully.
func main() {
	ssc := engine.NewStreamingContext("local[2]", "graceful", engine.Milliseconds(100), engine.WithBatchLog(nil))
	ssc.RateStream(100).Count().ForeachRDD(func(r *engine.RDD) { fmt.Println("batch") })
	if err := ssc.Start(); err != nil {
		panic(err)
	}
	if err := ssc.AwaitTermination(); err != nil {
		panic(err)
	}
	fmt.Println("stopped gracefully")
}
