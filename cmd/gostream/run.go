package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/gostream/gostream/engine"
	"github.com/gostream/gostream/repl/session"
)

const modulePath = "github.com/gostream/gostream"

// runFile implements `gostream run [--interpret] FILE.go [args]`. With a Go
// toolchain on PATH the program is built as a compiled Go program (see
// buildProgram) and run with os.Args = [FILE.go args...]; without one, or
// with --interpret, it runs under the interpreter. The exit status is 1
// when it fails to compile or, interpreted, panics, and whatever it passes
// to os.Exit.
func runFile(args []string) int {
	interpret := false
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "--interpret", "-interpret":
			interpret = true
			args = args[1:]
			continue
		case "-h", "-help", "--help":
			fmt.Print("usage: gostream run [--interpret] FILE.go [args]\n")
			return 0
		}
		fmt.Fprintf(os.Stderr, "gostream run: unknown flag %s\nusage: gostream run [--interpret] FILE.go [args]\n", args[0])
		return 2
	}
	if len(args) == 0 || !strings.HasSuffix(args[0], ".go") {
		fmt.Fprint(os.Stderr, "usage: gostream run [--interpret] FILE.go [args]\n")
		return 2
	}
	if _, err := os.Stat(args[0]); err != nil {
		fmt.Fprintf(os.Stderr, "gostream run: %v\n", err)
		return 1
	}
	// SIGTERM stops the program's streams gracefully, compiled or interpreted.
	os.Setenv(engine.StopGracefullyEnv, "true")
	if !interpret {
		if code, ok := runCompiled(args); ok {
			return code
		}
	}
	return runInterpreted(args)
}

// runInterpreted runs the program under the interpreter.
func runInterpreted(args []string) int {
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

// runCompiled builds the program with the Go toolchain and runs it. ok is
// false when it cannot be built for a reason other than the program's own
// errors (no toolchain, no source for this gostream, a module that cannot
// be fetched): the caller then interprets it.
func runCompiled(args []string) (code int, ok bool) {
	src, err := os.ReadFile(args[0])
	if err != nil {
		// The interpreter reports it, as it reports everything else.
		return 0, false
	}
	if err := session.CheckMain(args[0], src); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1, true
	}
	bin, compileErrs, err := buildProgram(args[0], src)
	if err != nil {
		if !errors.Is(err, errNoToolchain) {
			fmt.Fprintf(os.Stderr, "gostream run: cannot build with the Go toolchain (%v); running in the interpreter\n", err)
		}
		return 0, false
	}
	if compileErrs != "" {
		fmt.Fprint(os.Stderr, explainCompileErrors(compileErrs, src))
		return 1, true
	}
	cmd := &exec.Cmd{Path: bin, Args: args, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
	if err := runForwardingSignals(cmd); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode(), true
		}
		fmt.Fprintf(os.Stderr, "gostream run: %v\n", err)
		return 1, true
	}
	return 0, true
}

var errNoToolchain = errors.New("no Go toolchain on PATH")

// buildProgram builds the file as the only file of package main of a
// module of its own that requires gostream, into the user's cache
// directory ($XDG_CACHE_HOME/gostream/run/HASH), and returns the
// executable. The hash covers the program's text and the running gostream
// binary, so a program is built once per version of both. Which gostream
// the module requires:
//   - a development build (built from a checkout, version "(devel)") is
//     replaced by the checkout it was built from, found through the source
//     path compiled into this binary; without that checkout it cannot build;
//   - a released gostream (go install ...@vX) requires that version, which
//     the toolchain fetches like any module.
//
// compileErrs is what the compiler said about the program, its positions
// naming the user's file.
func buildProgram(path string, src []byte) (bin, compileErrs string, err error) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", "", errNoToolchain
	}
	gomod, gosum, err := programModule()
	if err != nil {
		return "", "", err
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", "", err
	}
	h := sha256.New()
	h.Write(src)
	h.Write([]byte(gomod))
	if exe, err := os.Executable(); err == nil {
		if st, err := os.Stat(exe); err == nil {
			fmt.Fprintf(h, "%s %d %d", exe, st.Size(), st.ModTime().UnixNano())
		}
	}
	dir := filepath.Join(cache, "gostream", "run", hex.EncodeToString(h.Sum(nil))[:24])
	bin = filepath.Join(dir, "program")
	if _, err := os.Stat(bin); err == nil {
		return bin, "", nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	base := filepath.Base(path)
	// The line directive makes the compiler's messages and the program's
	// tracebacks name the user's file.
	files := map[string]string{"go.mod": gomod, "go.sum": gosum, base: "//line " + path + ":1:1\n" + string(src)}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return "", "", err
		}
	}
	tmp := fmt.Sprintf("%s.%d", bin, os.Getpid())
	cmd := exec.Command(goTool, "build", "-o", tmp, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		if msgs := compilerMessages(out.String(), base, path); msgs != "" {
			return "", msgs, nil
		}
		return "", "", fmt.Errorf("go build: %s", strings.TrimSpace(out.String()))
	}
	if err := os.Rename(tmp, bin); err != nil {
		return "", "", err
	}
	return bin, "", nil
}

// compilerMessages returns the compiler's messages about the program in
// the output of go build, with the user's path for the file's name, or ""
// when the output is about something else.
func compilerMessages(out, base, path string) string {
	prefix := "./" + base + ":"
	var lines []string
	found := false
	for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		switch {
		case strings.HasPrefix(l, "# "):
			continue
		case strings.HasPrefix(l, prefix):
			found = true
			l = path + ":" + strings.TrimPrefix(l, prefix)
		case strings.HasPrefix(l, path+":"):
			found = true
		}
		lines = append(lines, l)
	}
	if !found {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// explainCompileErrors adds the session's suggestions to the compiler's
// messages, as the interpreter gives them (did you mean FlatMap?).
func explainCompileErrors(msgs string, src []byte) string {
	s, err := session.New(session.Options{Stdout: io.Discard, Stderr: io.Discard, Program: true})
	if err != nil {
		return msgs
	}
	defer s.Close()
	return s.Explain(strings.TrimRight(msgs, "\n"), string(src)) + "\n"
}

var goDirective = regexp.MustCompile(`(?m)^go (\S+)`)

// programModule returns the go.mod and go.sum of the module a program is
// built in.
func programModule() (gomod, gosum string, err error) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "", "", errors.New("this gostream has no build information")
	}
	version := ""
	if info.Main.Path == modulePath {
		version = info.Main.Version
	} else {
		for _, d := range info.Deps {
			if d.Path == modulePath {
				version = d.Version
			}
		}
	}
	goVersion := strings.TrimPrefix(runtime.Version(), "go")
	if version != "" && version != "(devel)" {
		return fmt.Sprintf("module gostreamrun\n\ngo %s\n\nrequire %s %s\n", goVersion, modulePath, version), "", nil
	}
	root, err := sourceRoot()
	if err != nil {
		return "", "", err
	}
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", "", err
	}
	if m := goDirective.FindSubmatch(mod); m != nil {
		goVersion = string(m[1])
	}
	sum, _ := os.ReadFile(filepath.Join(root, "go.sum"))
	gomod = fmt.Sprintf("module gostreamrun\n\ngo %s\n\nrequire %s v0.0.0\n\nreplace %s => %s\n", goVersion, modulePath, modulePath, root)
	return gomod, string(sum), nil
}

// sourceRoot returns the checkout this development build was built from:
// two directories above this file's compiled-in path, when it still holds
// gostream's go.mod.
func sourceRoot() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) {
		return "", errors.New("this development build of gostream does not know its source (built with -trimpath)")
	}
	root := filepath.Dir(filepath.Dir(filepath.Dir(file)))
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil || !bytes.HasPrefix(mod, []byte("module "+modulePath+"\n")) {
		return "", fmt.Errorf("the source of this development build of gostream is not at %s", root)
	}
	return root, nil
}
