package main

import "fmt"

func main() {
	fmt.Println("main ran")
	var total int
	total = "many"
	fmt.Println(total)
}
