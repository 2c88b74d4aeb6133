package main

import "fmt"

func main() {
	fmt.Println("main ran")
	n := 3
	fmt.Println(n / 0)
}
