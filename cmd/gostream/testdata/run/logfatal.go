package main

import "log"

func main() {
	log.SetFlags(0)
	log.Fatalf("cannot go on: %d", 42)
}

// Exit: 1
// Output:
// cannot go on: 42
