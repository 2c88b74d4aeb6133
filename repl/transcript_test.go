package repl

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestTranscripts pipes each testdata/*.gs script into gostream and
// compares what it prints (standard output and error, interleaved as a
// user sees them) and its exit status with testdata/NAME.golden. Run with
// -update to rewrite the golden files.
func TestTranscripts(t *testing.T) {
	scripts, err := filepath.Glob("testdata/*.gs")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts under testdata: %v", err)
	}
	for _, script := range scripts {
		name := strings.TrimSuffix(filepath.Base(script), ".gs")
		t.Run(name, func(t *testing.T) {
			in, err := os.Open(script)
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			cmd := exec.Command(binary)
			cmd.Dir = "testdata"
			cmd.Env = append(os.Environ(), "GOSTREAM_HISTORY="+filepath.Join(t.TempDir(), "history"))
			var out bytes.Buffer
			cmd.Stdin, cmd.Stdout, cmd.Stderr = in, &out, &out
			status := 0
			if err := cmd.Run(); err != nil {
				var exit *exec.ExitError
				if !errors.As(err, &exit) {
					t.Fatal(err)
				}
				status = exit.ExitCode()
			}
			got := out.String() + fmt.Sprintf("[exit status %d]\n", status)
			golden := strings.TrimSuffix(script, ".gs") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("transcript of %s differs from %s\n--- got ---\n%s--- want ---\n%s", script, golden, got, want)
			}
		})
	}
}

// TestScriptFile: gostream shell FILE evaluates the file as a piped script
// would be, and its errors name the file.
func TestScriptFile(t *testing.T) {
	cmd := exec.Command(binary, "shell", "mistakes.gs")
	cmd.Dir = "testdata"
	cmd.Env = append(os.Environ(), "GOSTREAM_HISTORY="+filepath.Join(t.TempDir(), "history"))
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("gostream shell mistakes.gs: %v; want exit status 1", err)
	}
	for _, want := range []string{
		"not started: Forgotten (Start() runs a context)\n",
		"mistakes.gs:18:7: lines.FlatMapp undefined (type *engine.DStream has no field or method FlatMapp) (did you mean FlatMap?)\n",
		"engine.Error: mistakes.gs:15:7: engine: Map: ",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
