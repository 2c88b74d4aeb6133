package main

import (
	"fmt"
	"strconv"
)

func main() {
	fmt.Println("main ran")
	n := strconv.Atoi("12")
	fmt.Println(n)
}
