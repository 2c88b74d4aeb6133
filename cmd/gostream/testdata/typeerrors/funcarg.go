package main

import (
	"fmt"
	"strings"

	"github.com/gostream/gostream/engine"
)

// Filter wants a func(T) bool.
func main() {
	fmt.Println("main ran")
	ssc := engine.NewStreamingContext("local[2]", "Filter", engine.Seconds(1))
	words := ssc.RateStream(10).FlatMap(strings.Fields)
	words.Filter(func(w string) int { return len(w) }, 2)
}
