package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestTypeErrorsBeforeMain: each program under testdata/typeerrors has one
// error that the Go compiler rejects. `gostream run --interpret` fails
// with the compiler's message at the compiler's position, as go build
// prints them, before main runs (each main first prints "main ran"); the
// session may add a suggestion at the end of a line.
func TestTypeErrorsBeforeMain(t *testing.T) {
	programs, err := filepath.Glob("testdata/typeerrors/*.go")
	if err != nil || len(programs) < 20 {
		t.Fatalf("want at least 20 programs under testdata/typeerrors: %d, %v", len(programs), err)
	}
	for _, path := range programs {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".go"), func(t *testing.T) {
			out, err := exec.Command("go", "build", "-o", os.DevNull, path).CombinedOutput()
			if err == nil {
				t.Fatalf("go build %s accepts it", path)
			}
			var want []string
			for _, l := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
				if !strings.HasPrefix(l, "#") {
					want = append(want, l)
				}
			}
			got, exit := runProgram(t, binary, "run", "--interpret", path)
			if exit != 1 || strings.Contains(got, "main ran") {
				t.Fatalf("gostream run --interpret %s: exit %d\n%s\nwant exit 1 before main runs", path, exit, got)
			}
			lines := strings.Split(strings.TrimRight(got, "\n"), "\n")
			if len(lines) != len(want) {
				t.Fatalf("gostream run --interpret %s printed\n%s\nwant, as go build:\n%s", path, got, strings.Join(want, "\n"))
			}
			for i := range want {
				if !strings.HasPrefix(lines[i], want[i]) {
					t.Errorf("line %d: %q; want %q (go build)", i+1, lines[i], want[i])
				}
			}
		})
	}
}
