package repl

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts under testdata")

// binary is the gostream command, built once per test run: the shell is
// tested as users run it.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	// The binary under test serves no streaming UI unless a test asks: its
	// announcement would be part of every transcript.
	os.Setenv("GOSTREAM_UI", "off")
	dir, err := os.MkdirTemp("", "gostream-repl-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "gostream")
	build := exec.Command("go", "build", "-o", binary, "../cmd/gostream")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building gostream:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
