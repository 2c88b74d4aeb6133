package main

import (
	"fmt"
	"strings"

	"github.com/gostream/gostream/engine"
)

func main() {
	fmt.Println("main ran")
	ssc := engine.NewStreamingContext("local[2]", "Typo", engine.Seconds(1))
	ssc.RateStream(10).FlatMapp(strings.Fields).Print()
}
