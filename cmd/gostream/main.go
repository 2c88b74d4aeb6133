package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/gostream/gostream/engine"
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
  gostream version             the version of gostream and of Go it was built with
                               (also: gostream --version)

The shell, run, kernel and demo serve the streaming UI:
` + uiUsage + `
gostream COMMAND -h describes a command's flags.
`

func main() {
	os.Exit(dispatch(os.Args[1:]))
}

// dispatch runs the subcommand named by args[0] and returns the exit status.
func dispatch(args []string) int {
	args, code := withUI(args)
	if code >= 0 {
		return code
	}
	defer engine.StopUI()
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
	case "version", "-version", "--version", "-v":
		fmt.Println(version())
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

// version describes the binary: the module version it was built at
// (devel, with the commit, for a build in a checkout) and the Go toolchain.
func version() string {
	v := "devel"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		} else {
			var rev, dirty string
			for _, s := range bi.Settings {
				switch s.Key {
				case "vcs.revision":
					rev = s.Value
				case "vcs.modified":
					if s.Value == "true" {
						dirty = "-dirty"
					}
				}
			}
			if rev != "" {
				v += " " + rev[:min(12, len(rev))] + dirty
			}
		}
	}
	return fmt.Sprintf("gostream %s %s %s/%s", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
