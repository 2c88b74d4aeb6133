package main

import (
	"bufio"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRunStopsGracefullyOnSIGTERM: SIGTERM to `gostream run` stops the
// program's context gracefully, compiled and interpreted: AwaitTermination
// returns, main prints its last line and the exit status is 0.
func TestRunStopsGracefullyOnSIGTERM(t *testing.T) {
	for _, mode := range [][]string{{"run", "--interpret"}, {"run"}} {
		t.Run(strings.Join(mode, " "), func(t *testing.T) {
			cmd := exec.Command(binary, append(mode, "testdata/graceful/main.go")...)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			lines := make(chan string)
			go func() {
				sc := bufio.NewScanner(out)
				for sc.Scan() {
					lines <- sc.Text()
				}
				close(lines)
			}()
			// The first batch shows the program runs (a compiled one is built first).
			timeout := time.After(5 * time.Minute)
			select {
			case l, ok := <-lines:
				if !ok || l != "batch" {
					cmd.Process.Kill()
					t.Fatalf("first line %q (open %v); stderr:\n%s", l, ok, stderr.String())
				}
			case <-timeout:
				cmd.Process.Kill()
				t.Fatalf("no batch within 5 minutes; stderr:\n%s", stderr.String())
			}
			cmd.Process.Signal(syscall.SIGTERM)
			last := ""
			for l := range lines {
				last = l
			}
			err = cmd.Wait()
			if err != nil || last != "stopped gracefully" {
				t.Errorf("after SIGTERM: exit %v, last line %q; want exit 0 after \"stopped gracefully\"; stderr:\n%s", err, last, stderr.String())
			}
		})
	}
}
