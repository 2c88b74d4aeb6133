package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/gostream/gostream/repl"
)

const usage = `usage:
  gostream                     the interactive shell (also: gostream shell)
  gostream shell SCRIPT        evaluate a script of shell inputs, as gostream < SCRIPT
  gostream run [--interpret] FILE.go [args]
                               build and run a package main program (interpreted without a Go toolchain)
  gostream kernel ...          the Jupyter kernel (gostream kernel install --user)
  gostream demo [-batches N]   a streaming word count on the built-in source
  gostream kafka [-port P]     a local Kafka development cluster (-brokers N)
`

func main() {
	os.Exit(dispatch(os.Args[1:]))
}

// dispatch runs the subcommand named by args[0] and returns the exit status.
func dispatch(args []string) int {
	if len(args) == 0 {
		return repl.Main(nil)
	}
	switch args[0] {
	case "shell":
		return repl.Main(args[1:])
	case "run":
		return runFile(args[1:])
	case "kernel":
		return runKernel(args[1:])
	case "demo":
		return runDemo(args[1:])
	case "kafka":
		return runKafka(args[1:])
	case "help", "-h", "-help", "--help":
		fmt.Print(usage)
		return 0
	}
	if st, err := os.Stat(args[0]); err == nil && !st.IsDir() {
		// gostream job.go, gostream job.gs: say how to run a file.
		how := "gostream shell " + args[0]
		if strings.HasSuffix(args[0], ".go") {
			how = "gostream run " + args[0]
		}
		fmt.Fprintf(os.Stderr, "gostream: unknown command %q; to run the file: %s\n", args[0], how)
		return 2
	}
	fmt.Fprintf(os.Stderr, "gostream: unknown command %q\n%s", args[0], usage)
	return 2
}
