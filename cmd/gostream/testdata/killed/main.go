// A program that says who it is and waits: TestRunKilledTakesProgramAlong
// kills `gostream run` under it.
package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	fmt.Println("pid", os.Getpid())
	time.Sleep(2 * time.Minute)
}
