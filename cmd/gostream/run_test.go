package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// binary is the gostream command, built once per test run.
var binary string

func TestMain(m *testing.M) {
	// The binary under test serves no streaming UI unless a test asks: its
	// announcement would be part of every transcript.
	os.Setenv("GOSTREAM_UI", "off")
	// Tests point XDG_CACHE_HOME at a fresh directory to see gostream run's
	// build cache; Go's own build cache would follow it there and rebuild
	// the standard library and the engine for every test.
	if out, err := exec.Command("go", "env", "GOCACHE").Output(); err == nil && os.Getenv("GOCACHE") == "" {
		os.Setenv("GOCACHE", strings.TrimSpace(string(out)))
	}
	dir, err := os.MkdirTemp("", "gostream-cmd-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "gostream")
	build := exec.Command("go", "build", "-o", binary, ".")
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

// runProgram runs the command and returns its interleaved standard output
// and error and its exit status.
func runProgram(t *testing.T, name string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return out.String(), 0
	case errors.As(err, &exit):
		return out.String(), exit.ExitCode()
	}
	t.Fatalf("running %s %v: %v", name, args, err)
	return "", 0
}

// expectation reads the trailing comment of a test program: "// Args:",
// "// Exit:" and "// Output:" followed by the expected lines, and where the
// compiled program differs from the interpreted one (Go's own panic
// traceback; a package only the compiler has), "// Compiled exit:" and
// "// Compiled output:".
type expected struct {
	args                []string
	exit, compiledExit  int
	output, compiledOut string
}

func expectation(t *testing.T, path string) expected {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var e expected
	e.compiledExit = -1
	var out, cout []string
	section := ""
	sc := bufio.NewScanner(bytes.NewReader(src))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "// Args:"):
			e.args = strings.Fields(strings.TrimPrefix(line, "// Args:"))
		case strings.HasPrefix(line, "// Exit:"):
			e.exit, err = strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "// Exit:")))
		case strings.HasPrefix(line, "// Compiled exit:"):
			e.compiledExit, err = strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "// Compiled exit:")))
		case line == "// Output:":
			section = "out"
		case line == "// Compiled output:":
			section, cout = "compiled", []string{}
		case section != "" && strings.HasPrefix(line, "//"):
			l := strings.TrimPrefix(strings.TrimPrefix(line, "//"), " ")
			if section == "out" {
				out = append(out, l)
			} else {
				cout = append(cout, l)
			}
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	if section == "" {
		t.Fatalf("%s has no // Output: comment", path)
	}
	e.output = strings.Join(out, "\n") + "\n"
	e.compiledOut = e.output
	if cout != nil {
		e.compiledOut = strings.Join(cout, "\n") + "\n"
	}
	if e.compiledExit < 0 {
		e.compiledExit = e.exit
	}
	return e
}

// TestRunPrograms runs every testdata/run/*.go program with `gostream run`
// (built with the Go toolchain, which the tests have) and with `gostream
// run --interpret`, and checks the output and exit status of both against
// the program's trailing comment.
func TestRunPrograms(t *testing.T) {
	programs, err := filepath.Glob("testdata/run/*.go")
	if err != nil || len(programs) == 0 {
		t.Fatalf("no programs under testdata/run: %v", err)
	}
	cache := t.TempDir()
	for _, path := range programs {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".go"), func(t *testing.T) {
			e := expectation(t, path)
			got, exit := runProgram(t, binary, append([]string{"run", "--interpret", path}, e.args...)...)
			if got != e.output || exit != e.exit {
				t.Errorf("gostream run --interpret %s printed (exit %d)\n%s\nwant (exit %d)\n%s", path, exit, got, e.exit, e.output)
			}
			cmd := exec.Command(binary, append([]string{"run", path}, e.args...)...)
			cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+cache)
			got, exit = runCmd(t, cmd)
			// Go's traceback gives each frame's offset in the code.
			got = frameOffset.ReplaceAllString(got, "")
			if got != e.compiledOut || exit != e.compiledExit {
				t.Errorf("gostream run %s (compiled) printed (exit %d)\n%s\nwant (exit %d)\n%s", path, exit, got, e.compiledExit, e.compiledOut)
			}
		})
	}
}

var frameOffset = regexp.MustCompile(`(?m) \+0x[0-9a-f]+$`)

// runCmd runs cmd and returns its interleaved output and exit status.
func runCmd(t *testing.T, cmd *exec.Cmd) (string, int) {
	t.Helper()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return out.String(), 0
	case errors.As(err, &exit):
		return out.String(), exit.ExitCode()
	}
	t.Fatalf("running %v: %v", cmd.Args, err)
	return "", 0
}

// TestRunBuildCache: a program is built once, into the cache, and built
// again when its text changes; without a Go toolchain on PATH, gostream
// run interprets it.
func TestRunBuildCache(t *testing.T) {
	cache := t.TempDir()
	prog := filepath.Join(t.TempDir(), "prog.go")
	run := func(text, path string) string {
		t.Helper()
		if err := os.WriteFile(prog, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(binary, "run", prog)
		cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+cache, "PATH="+path)
		out, exit := runCmd(t, cmd)
		if exit != 0 {
			t.Fatalf("gostream run: exit %d\n%s", exit, out)
		}
		return out
	}
	builds := func() int {
		m, _ := filepath.Glob(filepath.Join(cache, "gostream", "run", "*", "program"))
		return len(m)
	}
	const hello = "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"one\") }\n"
	for range 2 {
		if out := run(hello, os.Getenv("PATH")); out != "one\n" {
			t.Fatalf("compiled output %q", out)
		}
	}
	if n := builds(); n != 1 {
		t.Fatalf("%d builds after running the same program twice; want 1", n)
	}
	run(strings.Replace(hello, "one", "two", 1), os.Getenv("PATH"))
	if n := builds(); n != 2 {
		t.Fatalf("%d builds after changing the program; want 2", n)
	}
	// No toolchain: interpreted, and nothing built.
	if out := run(strings.Replace(hello, "one", "three", 1), t.TempDir()); out != "three\n" {
		t.Fatalf("interpreted output %q", out)
	}
	if n := builds(); n != 2 {
		t.Fatalf("%d builds after running without a toolchain; want 2", n)
	}
}

func TestRunUsage(t *testing.T) {
	out, exit := runProgram(t, binary, "run")
	if exit != 2 || !strings.Contains(out, "usage: gostream run [--interpret] FILE.go") {
		t.Errorf("gostream run without a file: exit %d, %q; want 2 and the usage", exit, out)
	}
	out, exit = runProgram(t, binary, "run", "testdata/run/nosuchfile.go")
	if exit != 1 || !strings.Contains(out, "nosuchfile.go") {
		t.Errorf("gostream run of a missing file: exit %d, %q; want 1 naming the file", exit, out)
	}
}

// buildExample compiles an example with go build, to compare the compiled
// program with the same file interpreted.
func buildExample(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), filepath.Base(dir))
	build := exec.Command("go", "build", "-o", bin, "../../examples/"+dir)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build examples/%s: %v\n%s", dir, err, out)
	}
	return bin
}

// TestWindowedExampleSameBothWays: the windowed example prints the same
// under the interpreter and compiled.
func TestWindowedExampleSameBothWays(t *testing.T) {
	compiled := buildExample(t, "windowedwordcount")
	want, exit := runProgram(t, compiled, "-batches", "4")
	if exit != 0 {
		t.Fatalf("compiled example exited %d:\n%s", exit, want)
	}
	got, exit := runProgram(t, binary, "run", "../../examples/windowedwordcount/main.go", "-batches", "4")
	if exit != 0 {
		t.Fatalf("interpreted example exited %d:\n%s", exit, got)
	}
	// The per-batch log lines carry timings, which differ from run to run.
	if got, want = withoutBatchLog(got), withoutBatchLog(want); got != want {
		t.Errorf("interpreted output\n%s\ndiffers from compiled output\n%s", got, want)
	}
	if !strings.Contains(got, "Time: 4000 ms") {
		t.Errorf("output lacks the fourth batch:\n%s", got)
	}
}

func withoutBatchLog(s string) string {
	var keep []string
	for _, l := range strings.SplitAfter(s, "\n") {
		if !strings.HasPrefix(l, "Total delay: ") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "")
}

// TestNetworkWordCount runs the example, interpreted and compiled, against
// a real TCP server on 127.0.0.1 that sends a line.
func TestNetworkWordCount(t *testing.T) {
	compiled := buildExample(t, "networkwordcount")
	for _, tc := range []struct {
		name string
		cmd  []string
	}{
		{"interpreted", []string{binary, "run", "../../examples/networkwordcount/main.go"}},
		{"compiled", []string{compiled}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			go func() {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				defer c.Close()
				c.Write([]byte("hello world hello\n"))
				// Keep the connection open until the program is done.
				c.Read(make([]byte, 1))
			}()
			port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
			args := append(tc.cmd[1:], "-batch", "200ms", "-duration", "1500ms", "127.0.0.1", port)
			out, exit := runProgram(t, tc.cmd[0], args...)
			if exit != 0 {
				t.Fatalf("exit %d:\n%s", exit, out)
			}
			if !strings.Contains(out, "(hello,2)\n") || !strings.Contains(out, "(world,1)\n") {
				t.Errorf("output lacks the counts (hello,2) and (world,1):\n%s", out)
			}
		})
	}
}

// BenchmarkRunWordCount runs testdata/bench/wordcount.go compiled (go
// build) and as a script under gostream run, with library functions and
// with a closure per stage; each reports the lines/s of its batches.
//
//	go test -bench RunWordCount -run '^$' ./cmd/gostream
func BenchmarkRunWordCount(b *testing.B) {
	compiled := filepath.Join(b.TempDir(), "wordcount")
	if out, err := exec.Command("go", "build", "-o", compiled, "testdata/bench/wordcount.go").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	for _, bc := range []struct {
		name string
		cmd  []string
	}{
		{"compiled/library-funcs", []string{compiled}},
		{"gostream-run/library-funcs", []string{binary, "run", "testdata/bench/wordcount.go"}},
		{"compiled/closures", []string{compiled, "-closures"}},
		{"gostream-run/closures", []string{binary, "run", "testdata/bench/wordcount.go", "-closures", "-batches", "2"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var sum float64
			for i := 0; i < b.N; i++ {
				out, err := exec.Command(bc.cmd[0], bc.cmd[1:]...).CombinedOutput()
				if err != nil {
					b.Fatalf("%v: %v\n%s", bc.cmd, err, out)
				}
				var rate float64
				if _, err := fmt.Sscanf(string(out), "%f lines/s", &rate); err != nil {
					b.Fatalf("%v printed %q", bc.cmd, out)
				}
				sum += rate
			}
			b.ReportMetric(sum/float64(b.N), "lines/s")
		})
	}
}

// TestFileAsCommand: gostream FILE says how to run the file.
func TestFileAsCommand(t *testing.T) {
	for _, c := range []struct{ file, want string }{
		{"testdata/run/hello.go", "to run the file: gostream run testdata/run/hello.go"},
		{"../../repl/testdata/basics.gs", "to run the file: gostream shell ../../repl/testdata/basics.gs"},
	} {
		out, exit := runProgram(t, binary, c.file)
		if exit != 2 || !strings.Contains(out, c.want) {
			t.Errorf("gostream %s: exit %d, %q; want 2 and %q", c.file, exit, out, c.want)
		}
	}
}
