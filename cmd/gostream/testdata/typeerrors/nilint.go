package main

import "fmt"

func main() {
	fmt.Println("main ran")
	var n int = nil
	fmt.Println(n)
}
