package main

import (
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

// runForwardingSignals runs cmd, a compiled program, passing it the SIGTERM
// this process gets, so the program's contexts stop gracefully
// (engine.StopGracefullyEnv) and its exit status is ours. SIGINT from a
// terminal reaches the program by itself, through its process group; this
// process only outlives it. When this process dies (SIGKILL) the program
// dies with it (dieWithParent).
func runForwardingSignals(cmd *exec.Cmd) error {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGTERM, os.Interrupt)
	defer signal.Stop(sigs)
	defer dieWithParent(cmd)()
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case sig := <-sigs:
				if sig == syscall.SIGTERM {
					cmd.Process.Signal(sig)
				}
			case <-done:
				return
			}
		}
	}()
	return cmd.Wait()
}
