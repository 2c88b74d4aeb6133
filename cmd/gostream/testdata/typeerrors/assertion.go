package main

import (
	"fmt"

	"github.com/gostream/gostream/engine"
)

// A Pair's Value is an any: using it as an int needs a type assertion.
func main() {
	fmt.Println("main ran")
	ssc := engine.NewStreamingContext("local[2]", "Sort", engine.Seconds(1))
	counts := ssc.RateStream(10).Map(func(s string) engine.Pair { return engine.KV(s, 1) })
	counts.Transform(func(r *engine.RDD) *engine.RDD {
		return r.SortBy(func(p engine.Pair) int { return p.Value }, false)
	})
}
