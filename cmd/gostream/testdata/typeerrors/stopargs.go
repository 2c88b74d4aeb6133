package main

import (
	"fmt"

	"github.com/gostream/gostream/engine"
)

// Stop takes whether to stop gracefully.
func main() {
	fmt.Println("main ran")
	ssc := engine.NewStreamingContext("local[2]", "Stop", engine.Seconds(1))
	ssc.Stop()
}
