package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	fmt.Println("hello from", strings.ToUpper("gostream"))
	fmt.Println("args:", os.Args[1:])
}

// Args: one two
// Output:
// hello from GOSTREAM
// args: [one two]
