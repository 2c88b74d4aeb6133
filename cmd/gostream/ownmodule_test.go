package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ownModuleMain is a program of a module of its own, outside the repository.
const ownModuleMain = `package main

import (
	"fmt"
	"strings"

	"github.com/gostream/gostream/engine"
)

func main() {
	ssc := engine.NewStreamingContext("local[2]", "WordCount", engine.Seconds(1), engine.WithManualClock())
	queue := engine.NewQueue()
	queue.Push("to be or not to be")
	counts := ssc.QueueStream(queue, true).FlatMap(strings.Fields).Map(engine.WithOne).ReduceByKey(engine.Sum)
	counts.ForeachRDD(func(r *engine.RDD) { fmt.Println(r.Count(), "distinct words") })
	if err := ssc.Start(); err != nil {
		fmt.Println(err)
		return
	}
	ssc.Advance(engine.Seconds(1))
	ssc.Stop(true)
}
`

// TestOwnModule follows the README's "Your own project": a module that
// requires gostream (from this checkout, as the module is not published)
// builds its program with go build, and gostream run runs the same file.
func TestOwnModule(t *testing.T) {
	checkout, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(ownModuleMain), 0o644); err != nil {
		t.Fatal(err)
	}
	goCmd := func(args ...string) {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	goCmd("mod", "init", "example.com/wordcount")
	goCmd("mod", "edit", "-require=github.com/gostream/gostream@v0.0.0", "-replace=github.com/gostream/gostream="+checkout)
	goCmd("mod", "tidy")
	goCmd("build", "-o", "wordcount", ".")

	cmd := exec.Command("./wordcount")
	cmd.Dir = dir
	compiled, err := cmd.Output()
	if err != nil || string(compiled) != "4 distinct words\n" {
		t.Fatalf("the program built with go build: %v, %q; want \"4 distinct words\\n\"", err, compiled)
	}
	for _, args := range [][]string{{"run", "main.go"}, {"run", "--interpret", "main.go"}} {
		cmd = exec.Command(binary, args...)
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil || string(out) != string(compiled) {
			t.Errorf("gostream %s: %v, %q; want what go build's program printed, %q", strings.Join(args, " "), err, out, compiled)
		}
	}
}
