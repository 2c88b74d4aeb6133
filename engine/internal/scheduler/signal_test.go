package scheduler

import (
	"os"
	"syscall"
	"testing"
	"time"
)

func TestStopOnSignal(t *testing.T) {
	done := make(chan struct{})
	got := make(chan os.Signal, 2)
	StopOnSignal(done, func(sig os.Signal) {
		got <- sig
		close(done)
	})
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case sig := <-got:
		if sig != os.Interrupt {
			t.Fatalf("stop got %v, want SIGINT", sig)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("SIGINT did not call stop")
	}

	// Once done is closed, a signal is not the stopped loop's to handle.
	closed := make(chan struct{})
	close(closed)
	StopOnSignal(closed, func(sig os.Signal) { got <- sig })
	other := make(chan struct{})
	StopOnSignal(other, func(sig os.Signal) { close(other) })
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-other:
	case <-time.After(20 * time.Second):
		t.Fatal("SIGTERM did not call the live listener's stop")
	}
	select {
	case sig := <-got:
		t.Fatalf("a listener whose done was closed got %v", sig)
	case <-time.After(10 * time.Millisecond):
	}
}

func TestStopOnShutdown(t *testing.T) {
	const env = "GOSTREAM_STOP_TEST"
	t.Setenv(env, "")
	if StopOnShutdown(false, env) || !StopOnShutdown(true, env) {
		t.Fatal("the context's own option is not followed")
	}
	t.Setenv(env, "true")
	if !StopOnShutdown(false, env) {
		t.Fatal("the environment is not followed")
	}
	t.Setenv(env, "")
	SetStopOnShutdown(true)
	defer SetStopOnShutdown(false)
	if !StopOnShutdown(false, env) {
		t.Fatal("the process's default is not followed")
	}
}
