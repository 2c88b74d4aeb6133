package main

import "fmt"

func main() {
	fmt.Println("main ran")
	count := 3
}
