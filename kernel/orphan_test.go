package kernel

import (
	"bufio"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
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

// stuckKernel starts a gostream kernel with jupyter_client, runs a stream
// whose batch never returns, prints the kernel's pid and waits to be killed.
const stuckKernel = `
import time
from jupyter_client import KernelManager
km = KernelManager(kernel_name="gostream")
km.start_kernel()
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=60)
entered = []
def hook(m):
    if m["msg_type"] == "stream" and "batch entered" in m["content"]["text"]:
        entered.append(m)
code = """ssc := engine.NewStreamingContext("local[2]", "Stuck", engine.Milliseconds(50))
ssc.RateStream(20).Map(func(line string) string {
	fmt.Println("batch entered")
	for {
	}
	return line
}).Print()
ssc.Start()
ssc.AwaitTermination()"""
kc.execute(code)
deadline = time.time() + 60
while not entered and time.time() < deadline:
    try:
        hook(kc.get_iopub_msg(timeout=1))
    except Exception:
        pass
print(km.provisioner.process.pid if entered else "no batch started", flush=True)
time.sleep(600)
`

// TestSIGTERMEndsAKernelWithAStuckBatch: SIGTERM shuts the kernel down
// even when a batch runs user code that never returns.
func TestSIGTERMEndsAKernelWithAStuckBatch(t *testing.T) {
	pid, _ := startKernelProcess(t, stuckKernel)
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitExit(t, pid, "after SIGTERM")
}

// startKernelProcess runs script, a front end that prints its kernel's
// pid, and returns the pid and the front end's process, which is killed at
// the end of the test (and so is the kernel, if it still runs).
func startKernelProcess(t *testing.T, script string) (int, *exec.Cmd) {
	t.Helper()
	requireJupyter(t)
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc")
	}
	cmd := exec.Command(systemPython, "-c", script)
	cmd.Env = jupyterEnv(t)
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
	return pid, cmd
}

// waitExit waits up to 30 s for process pid to exit.
func waitExit(t *testing.T, pid int, after string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !exited(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("kernel %d still runs 30 s %s", pid, after)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestKernelExitsWhenItsFrontEndDies: a front end killed without shutting
// its kernel down (kill -9, a closed terminal) must not leave the kernel
// and its streams running.
func TestKernelExitsWhenItsFrontEndDies(t *testing.T) {
	pid, frontEnd := startKernelProcess(t, startAndDie)
	if err := frontEnd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	frontEnd.Wait()
	waitExit(t, pid, "after the front end that started it was killed")
}
