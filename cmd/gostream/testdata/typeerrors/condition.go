package main

import "fmt"

func main() {
	fmt.Println("main ran")
	n := 3
	if n {
		fmt.Println(n)
	}
}
