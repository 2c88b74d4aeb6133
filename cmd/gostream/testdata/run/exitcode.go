package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println("leaving with 3")
	os.Exit(3)
}

// Exit: 3
// Output:
// leaving with 3
