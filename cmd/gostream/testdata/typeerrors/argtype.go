package main

import (
	"fmt"
	"strings"
)

func main() {
	fmt.Println("main ran")
	fmt.Println(strings.Repeat("ab", "3"))
}
