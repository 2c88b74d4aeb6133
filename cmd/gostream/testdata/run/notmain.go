package stats

// A file of another package is not a program.
func main() {}

// Exit: 1
// Output:
// testdata/run/notmain.go:1:9: package stats is not a main package: gostream run runs a program (package main with func main)
