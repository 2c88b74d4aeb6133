package main

import (
	"bytes"
	"os/exec"
	"regexp"
	"testing"
)

// runSplit runs the binary with env added and returns its standard output
// and error apart.
func runSplit(t *testing.T, env []string, args ...string) (stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(cmd.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("gostream %v: %v\n%s%s", args, err, out.String(), errb.String())
	}
	return out.String(), errb.String()
}

func TestUIFlag(t *testing.T) {
	announce := regexp.MustCompile(`^Streaming UI: http://127\.0\.0\.1:(\d+)/\n$`)
	for _, c := range []struct {
		name   string
		env    []string
		args   []string
		served bool
		stderr string // when not served
	}{
		{"flag", nil, []string{"run", "--ui", "127.0.0.1:0", "testdata/ui/count.go"}, true, ""},
		{"interpreted", nil, []string{"run", "--ui", "127.0.0.1:0", "--interpret", "testdata/ui/count.go"}, true, ""},
		{"flag with =", nil, []string{"run", "--ui=127.0.0.1:0", "testdata/ui/count.go"}, true, ""},
		{"environment", []string{"GOSTREAM_UI=127.0.0.1:0"}, []string{"run", "testdata/ui/count.go"}, true, ""},
		{"off", []string{"GOSTREAM_UI=127.0.0.1:0"}, []string{"run", "--ui", "off", "testdata/ui/count.go"}, false, ""},
		{"program's own flag", nil, []string{"run", "testdata/ui/count.go", "--ui", "127.0.0.1:0"}, false, ""},
		{"bad address", nil, []string{"run", "--ui", "nowhere", "testdata/ui/count.go"}, false,
			"engine: streaming UI: address \"nowhere\": want HOST:PORT, a port number or off; running without it\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr := runSplit(t, c.env, c.args...)
			wantOut := "-------------------------------------------\nTime: 1000 ms\n-------------------------------------------\n3\n\n"
			if c.served {
				if !announce.MatchString(stderr) {
					t.Errorf("standard error %q, want one announcement of the UI", stderr)
				}
				wantOut += "UI: true\n"
			} else {
				if stderr != c.stderr {
					t.Errorf("standard error %q, want %q", stderr, c.stderr)
				}
				wantOut += "UI: false\n"
			}
			if stdout != wantOut {
				t.Errorf("standard output %q, want %q", stdout, wantOut)
			}
		})
	}
	out, exit := runProgram(t, binary, "run", "--ui")
	if exit != 2 || out != "gostream: flag --ui needs a value: an address (HOST:PORT or PORT) or off\n" {
		t.Errorf("--ui without a value: exit %d, %q", exit, out)
	}
}
