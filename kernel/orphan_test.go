package kernel

import (
	"bufio"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// startAndDie starts a gostream kernel with jupyter_client, prints the
// kernel's pid and then waits to be killed, never shutting the kernel down.
const startAndDie = `
import time
from jupyter_client import KernelManager
km = KernelManager(kernel_name="gostream")
km.start_kernel()
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=60)
print(km.provisioner.process.pid, flush=True)
time.sleep(600)
`

// exited reports whether process pid has exited (gone, or a zombie nobody
// has reaped yet).
func exited(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	// pid (comm) state ...: the state follows the last ')'.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] == 'Z'
}

// TestKernelExitsWhenItsFrontEndDies: a front end killed without shutting
// its kernel down (kill -9, a closed terminal) must not leave the kernel
// and its streams running.
func TestKernelExitsWhenItsFrontEndDies(t *testing.T) {
	requireJupyter(t)
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc")
	}
	env := jupyterEnv(t)
	cmd := exec.Command(systemPython, "-c", startAndDie)
	cmd.Env = env
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the kernel's pid: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatalf("kernel pid %q: %v", line, err)
	}
	t.Cleanup(func() {
		if p, err := os.FindProcess(pid); err == nil && !exited(pid) {
			p.Kill()
		}
	})
	if exited(pid) {
		t.Fatalf("kernel %d is not running", pid)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	deadline := time.Now().Add(30 * time.Second)
	for !exited(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("kernel %d still runs 30 s after the front end that started it was killed", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
