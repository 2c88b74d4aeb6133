package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/gostream/gostream/repl/session"
)

// runFile implements `gostream run FILE.go [args]`: the program runs under
// the interpreter with os.Args = [FILE.go args...]; the exit status is 1
// when it fails to compile or panics, and whatever it passes to os.Exit.
func runFile(args []string) int {
	if len(args) == 0 || !strings.HasSuffix(args[0], ".go") {
		fmt.Fprint(os.Stderr, "usage: gostream run FILE.go [args]\n")
		return 2
	}
	if _, err := os.Stat(args[0]); err != nil {
		fmt.Fprintf(os.Stderr, "gostream run: %v\n", err)
		return 1
	}
	// The program's flag.Parse (compiled code) reads the process's os.Args.
	os.Args = args
	flag.CommandLine = flag.NewFlagSet(args[0], flag.ExitOnError)
	s, err := session.New(session.Options{
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		Stdin:  os.Stdin,
		Args:   args,
		// os.Exit and log.Fatal end the process, as compiled.
		Program: true,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "gostream run: %v\n", err)
		return 1
	}
	// Like a Go program, the process ends when main returns, streams or not.
	if err := s.RunFile(context.Background(), args[0]); err != nil {
		var ee *session.EvalError
		if errors.As(err, &ee) && ee.Name != "CompileError" {
			fmt.Fprintf(os.Stderr, "%s: %s\n", ee.Name, ee.Message)
			for _, l := range ee.Traceback {
				fmt.Fprintf(os.Stderr, "\t%s\n", l)
			}
		} else {
			fmt.Fprintf(os.Stderr, "%v\n", err)
		}
		return 1
	}
	return 0
}
