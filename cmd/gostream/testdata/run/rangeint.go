package main

import "fmt"

type Count int64

func main() {
	total := 0
	for i := range 4 {
		total += i
	}
	var n Count = 3
	var last Count
	for i := range n {
		last = i // i has n's type
	}
	for range 2 {
		total++
	}
	fmt.Println("total", total, "last", last)
}

// Output:
// total 8 last 2
