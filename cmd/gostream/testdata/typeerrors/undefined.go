package main

import "fmt"

func main() {
	fmt.Println("main ran")
	fmt.Println(total)
}
