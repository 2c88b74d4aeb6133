// Command gostream is the one binary: the interactive shell (gostream), script
// runner (gostream run FILE.go), Jupyter kernel (gostream kernel) and the
// built-in demo (gostream demo). It only wires packages together.
package main
