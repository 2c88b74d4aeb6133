package main

import "fmt"

func main() {
	fmt.Println("main ran")
	x := 1 << 70
	fmt.Println(x)
}
