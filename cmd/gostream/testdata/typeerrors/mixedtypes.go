package main

import "fmt"

func main() {
	fmt.Println("main ran")
	n, s := 1, "a"
	fmt.Println(n + s)
}
