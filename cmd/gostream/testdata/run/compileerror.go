package main

func main() {
	undefinedFunction()
}

// Exit: 1
// Output:
// testdata/run/compileerror.go:4:2: undefined: undefinedFunction
