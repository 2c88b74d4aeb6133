package main

import (
	"fmt"
	"os/exec"
)

// A package the interpreter does not have is named as such.
func main() {
	fmt.Println(exec.Command("true").Run())
}

// Exit: 1
// Output:
// testdata/run/badimport.go:5:2: import "os/exec": package not available: the interpreter has the standard library (without os/exec, plugin, syscall and unsafe) and gostream's packages
// Compiled output:
// <nil>
// Compiled exit: 0
