package main

// A program without func main is reported as go run reports it.
func helper() {}

// Exit: 1
// Output:
// testdata/run/nomain.go: function main is undeclared in the main package
