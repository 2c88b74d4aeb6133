package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/gostream/gostream/engine"
)

// The --ui flag of the shell, `gostream run`, `gostream kernel` and
// `gostream demo`: where the streaming UI listens. Its default is
// $GOSTREAM_UI, else 127.0.0.1:4040 (or the next free port up to 4056);
// "off" runs without it.

const uiUsage = `  --ui ADDR                    serve the streaming UI on ADDR (HOST:PORT or PORT;
                               default $GOSTREAM_UI, else 127.0.0.1:4040 or the next
                               free port up to 4056); --ui off runs without it
`

// uiFlag takes the --ui flags (--ui ADDR, --ui=ADDR, -ui ...) out of the
// arguments of a subcommand: for run and the shell, those before the file
// or script; for the kernel, all. It returns the remaining arguments and
// the address, or ok false with a message when --ui lacks its value.
func uiFlag(cmd string, args []string) (rest []string, addr string, err error) {
	addr = os.Getenv(engine.UIEnv)
	if addr == "on" {
		addr = ""
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if isUIFlag(a) {
			_, value, hasValue := strings.Cut(a, "=")
			if !hasValue {
				if i+1 >= len(args) {
					return nil, "", fmt.Errorf("flag --ui needs a value: an address (HOST:PORT or PORT) or off")
				}
				i++
				value = args[i]
			}
			addr = value
			continue
		}
		if cmd != "kernel" && (!strings.HasPrefix(a, "-") || a == "--") {
			// The file or script: what follows belongs to it.
			rest = append(rest, args[i:]...)
			break
		}
		rest = append(rest, a)
	}
	return rest, addr, nil
}

// withUI starts the streaming UI for the subcommands that run streams and
// returns their arguments without the --ui flags; code is the exit status
// when the flags are wrong (else -1).
func withUI(args []string) (rest []string, code int) {
	cmd, sub := "shell", args
	switch {
	case len(args) > 0 && !strings.HasPrefix(args[0], "-"):
		cmd, sub = args[0], args[1:]
	case len(args) > 0 && !isUIFlag(args[0]):
		return args, -1 // gostream -h
	}
	switch cmd {
	case "shell", "run", "demo":
	case "kernel":
		if len(sub) > 0 && sub[0] == "install" {
			return args, -1
		}
	default:
		return args, -1
	}
	sub, addr, err := uiFlag(cmd, sub)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gostream: %v\n", err)
		return nil, 2
	}
	if cmd == "run" {
		// The program may run in a process of its own (compiled): the engine
		// starts the UI when the program makes its first context.
		if addr == "" {
			addr = "on"
		}
		os.Setenv(engine.UIEnv, addr)
	} else if addr != "off" {
		if _, err := engine.StartUI(addr); err != nil {
			fmt.Fprintf(os.Stderr, "gostream: %v; running without it\n", err)
		}
	}
	if cmd == "shell" && (len(args) == 0 || strings.HasPrefix(args[0], "-")) {
		if len(sub) == 0 {
			return nil, -1
		}
		return append([]string{"shell"}, sub...), -1
	}
	return append([]string{cmd}, sub...), -1
}

func isUIFlag(a string) bool {
	name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
	return strings.HasPrefix(a, "-") && name == "ui"
}
