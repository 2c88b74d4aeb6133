package stdlib

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedUpToDate regenerates every symbol table that stdlib.go's
// generate lines name into a temporary directory and fails when a
// committed file differs: after changing an exported API, run
// `go generate ./stdlib` and commit the result.
func TestGeneratedUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator")
	}
	f, err := os.Open("stdlib.go")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var pkgs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		const prefix = "//go:generate go tool yaegi extract -name stdlib "
		if strings.HasPrefix(line, prefix) {
			pkgs = append(pkgs, strings.Fields(strings.TrimPrefix(line, prefix))...)
		}
	}
	if len(pkgs) == 0 {
		t.Fatal("no go:generate lines in stdlib.go")
	}
	// yaegi extract writes into its working directory and must run inside
	// the module; a directory starting with "_" is ignored by go ./... .
	tmp, err := os.MkdirTemp(".", "_generate")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmp) })
	for _, pkg := range pkgs {
		cmd := exec.Command("go", "tool", "yaegi", "extract", "-name", "stdlib", pkg)
		cmd.Dir = tmp
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("extract %s: %v\n%s", pkg, err, out)
		}
	}
	gen, err := filepath.Glob(filepath.Join(tmp, "*.go"))
	if err != nil || len(gen) != len(pkgs) {
		t.Fatalf("generated %v (err %v), want one file per package %v", gen, err, pkgs)
	}
	for _, g := range gen {
		want, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(g)
		got, err := os.ReadFile(name)
		if err != nil {
			t.Errorf("%s is missing: run go generate ./stdlib", name)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go generate ./stdlib and commit it", name)
		}
	}
}

// TestDocsUpToDate reruns the doc comment generator that stdlib.go's
// generate line names and fails when the committed file differs: after
// changing a doc comment of an exported name, run `go generate ./stdlib`
// and commit the result.
func TestDocsUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator")
	}
	src, err := os.ReadFile("stdlib.go")
	if err != nil {
		t.Fatal(err)
	}
	const prefix = "//go:generate go run ./internal/docgen -o "
	var args []string
	for _, line := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(line, prefix) {
			args = strings.Fields(strings.TrimPrefix(line, prefix))
		}
	}
	if len(args) < 2 {
		t.Fatal("no docgen go:generate line in stdlib.go")
	}
	name, pkgs := args[0], args[1:]
	out := filepath.Join(t.TempDir(), name)
	cmd := exec.Command("go", append([]string{"run", "./internal/docgen", "-o", out}, pkgs...)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("docgen: %v\n%s", err, msg)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("%s is missing: run go generate ./stdlib", name)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run go generate ./stdlib and commit it", name)
	}
}

// TestDocsCoverEveryKind: the generated docs hold a function, a
// constructor, a type, a method, a constant and a variable of each
// package, under "importpath.Name" and "importpath.Type.Method".
func TestDocsCoverEveryKind(t *testing.T) {
	const e = "github.com/gostream/gostream/engine."
	for _, key := range []string{
		e + "NewStreamingContext", e + "DStream", e + "DStream.FlatMap",
		e + "StreamingContext.Start", e + "Receiver", e + "Active", e + "ErrStopped",
		"github.com/gostream/gostream/kernel/display.HTML",
	} {
		if Docs[key] == "" {
			t.Errorf("Docs[%q] is empty", key)
		}
	}
	for key := range Docs {
		if strings.HasSuffix(key, ".") {
			t.Errorf("key %q lacks a name", key)
		}
	}
}
