package main

import "fmt"

func divide(a, b int) int { return a / b }

func main() {
	fmt.Println("before")
	fmt.Println(divide(1, 0))
}

// Exit: 1
// Output:
// before
// panic: testdata/run/panics.go:5:36: runtime error: integer divide by zero
// 	testdata/run/panics.go:5:36: panic: main.divide(...)
// 	testdata/run/panics.go:8:2: panic: main.main(...)
// Compiled exit: 2
// Compiled output:
// before
// panic: runtime error: integer divide by zero
//
// goroutine 1 [running]:
// main.divide(...)
// 	testdata/run/panics.go:5
// main.main()
// 	testdata/run/panics.go:9
