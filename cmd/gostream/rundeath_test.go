package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRunKilledTakesProgramAlong: SIGKILL to `gostream run` ends the
// compiled program it runs too. Left running, a killed streaming job would
// go on beside its restart, on the same checkpoint directory.
func TestRunKilledTakesProgramAlong(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the parent-death signal is Linux's")
	}
	cmd := exec.Command(binary, "run", "testdata/killed/main.go")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	// A file, not a pipe: waiting for a pipe's end would wait for the
	// program, which inherits it.
	errf, err := os.Create(t.TempDir() + "/stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer errf.Close()
	cmd.Stderr = errf
	stderr := func() string { b, _ := os.ReadFile(errf.Name()); return string(b) }
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pids := make(chan int, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			var pid int
			if _, err := fmt.Sscanf(sc.Text(), "pid %d", &pid); err == nil {
				pids <- pid
			}
		}
	}()
	var pid int
	select {
	case pid = <-pids:
	case <-time.After(5 * time.Minute): // the program is built first
		cmd.Process.Kill()
		t.Fatalf("the program printed no pid; stderr:\n%s", stderr())
	}
	if pid == cmd.Process.Pid {
		t.Fatalf("the program ran in gostream's own process %d; want the compiled program in its own", pid)
	}
	cmd.Process.Kill() // SIGKILL
	defer cmd.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("the program (process %d) still runs 10 s after gostream run was killed", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// alive reports whether process pid exists and is not a zombie.
func alive(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name, which is in parentheses.
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}
