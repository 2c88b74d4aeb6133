package main

import (
	"os/exec"
	"runtime"
	"syscall"
)

// dieWithParent makes the compiled program get SIGKILL when this process
// dies, whatever kills it: `kill -9` of `gostream run` must end the job,
// not leave it running on, reparented, beside the job's restart (two
// writers on one checkpoint directory; the restart finds it locked). The
// kernel sends the signal when the thread that started the child exits, so
// the caller starts and waits for it on a locked thread.
func dieWithParent(cmd *exec.Cmd) (unlock func()) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	runtime.LockOSThread()
	return runtime.UnlockOSThread
}
