package main

import (
	"strings"

	"github.com/gostream/gostream/engine"
)

// A misspelt method gets a suggestion.
func main() {
	ssc := engine.NewStreamingContext("local[2]", "Typo", engine.Seconds(1))
	ssc.RateStream(10).FlatMapp(strings.Fields).Print()
}

// Exit: 1
// Output:
// testdata/run/typo.go:12:21: ssc.RateStream(10).FlatMapp undefined (type *engine.DStream has no field or method FlatMapp) (did you mean FlatMap?)
