package main

import "fmt"

func pair() (string, int) {
	return "a"
}

func main() {
	fmt.Println("main ran")
	fmt.Println(pair())
}
