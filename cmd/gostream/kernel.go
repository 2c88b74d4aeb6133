package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/gostream/gostream/kernel"
	"github.com/gostream/gostream/kernel/wire"
	"github.com/gostream/gostream/repl/session"
)

const kernelUsage = `usage:
  gostream kernel --connection-file FILE   run the Jupyter kernel (-f FILE for short)
  gostream kernel install [--user | --prefix DIR] [--name NAME]
                                           install the kernelspec for Jupyter

Environment:
  GOSTREAM_KERNEL_HISTORY  file keeping executed cells across kernel restarts
                           (default: $XDG_DATA_HOME/gostream/kernel-history.jsonl;
                           "off" keeps history in memory only)
`

// runKernel runs `gostream kernel ARGS...` and returns the exit code.
func runKernel(args []string) int {
	if len(args) > 0 && args[0] == "install" {
		return runKernelInstall(args[1:])
	}
	fs := flag.NewFlagSet("gostream kernel", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), kernelUsage) }
	var connFile string
	fs.StringVar(&connFile, "connection-file", "", "Jupyter connection file")
	fs.StringVar(&connFile, "f", "", "Jupyter connection file")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if connFile == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	info, err := wire.ReadConnectionFile(connFile)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gostream kernel: %v\n", err)
		return 1
	}
	k, err := kernel.Start(kernel.Config{
		Conn: info,
		NewEvaluator: func(stdin io.Reader) (kernel.Evaluator, error) {
			s, err := session.New(session.Options{Stdout: io.Discard, Stderr: io.Discard, Stdin: stdin})
			if err != nil {
				return nil, err
			}
			return kernel.NewSessionEvaluator(s), nil
		},
		HistoryFile: kernelHistoryFile(),
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "gostream kernel: %v\n", err)
		return 1
	}
	// The front end interrupts with interrupt_request; a SIGINT (Ctrl-C in
	// the terminal that started the front end) does the same, and SIGTERM
	// shuts the kernel down.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	parentGone := watchParent(k.Done())
	for {
		select {
		case <-k.Done():
			return 0
		case <-parentGone:
			// The front end died without shutting the kernel down (killed,
			// or its terminal closed): stop the streams and exit rather than
			// run on unseen, as ipykernel does.
			fmt.Fprintln(os.Stderr, "gostream kernel: the process that started the kernel has exited; shutting down")
			closeWithin(k, 5*time.Second)
			return 1
		case sig := <-sigs:
			if sig == os.Interrupt {
				k.Interrupt()
				continue
			}
			closeWithin(k, 5*time.Second)
			return 0
		}
	}
}

// closeWithin shuts k down, giving up after d: stopping a stream waits for
// its running batch, which user code may keep from ever returning.
func closeWithin(k *kernel.Kernel, d time.Duration) {
	go k.Close()
	select {
	case <-k.Done():
	case <-time.After(d):
		fmt.Fprintln(os.Stderr, "gostream kernel: a running batch did not stop; exiting anyway")
	}
}

// watchParent returns a channel closed when the process that started the
// kernel exits, for kernels started by jupyter_client (which sets
// JPY_PARENT_PID): the kernel is then handed to another parent. Without
// JPY_PARENT_PID (a kernel started on its own) the channel never closes.
func watchParent(done <-chan struct{}) <-chan struct{} {
	gone := make(chan struct{})
	if os.Getenv("JPY_PARENT_PID") == "" {
		return gone
	}
	parent := os.Getppid()
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if os.Getppid() != parent {
					close(gone)
					return
				}
			}
		}
	}()
	return gone
}

func kernelHistoryFile() string {
	switch f := os.Getenv("GOSTREAM_KERNEL_HISTORY"); f {
	case "off":
		return ""
	case "":
	default:
		return f
	}
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "gostream", "kernel-history.jsonl")
}

func runKernelInstall(args []string) int {
	fs := flag.NewFlagSet("gostream kernel install", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), kernelUsage) }
	user := fs.Bool("user", false, "install for the current user (~/.local/share/jupyter/kernels)")
	prefix := fs.String("prefix", "", "install under DIR/share/jupyter/kernels")
	name := fs.String("name", "gostream", "kernelspec name")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 || (*user && *prefix != "") {
		fmt.Fprintln(os.Stderr, "gostream kernel install: --user and --prefix exclude each other; no arguments")
		fs.Usage()
		return 2
	}
	binary, err := os.Executable()
	if err == nil {
		binary, err = filepath.EvalSymlinks(binary)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "gostream kernel install: locating the gostream binary: %v\n", err)
		return 1
	}
	kernels, err := kernel.KernelsDir(*user, *prefix)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gostream kernel install: %v\n", err)
		return 1
	}
	dir, err := kernel.Install(kernels, *name, binary)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gostream kernel install: %v\n", err)
		return 1
	}
	fmt.Printf("Installed kernelspec %s in %s\n", *name, dir)
	return 0
}
