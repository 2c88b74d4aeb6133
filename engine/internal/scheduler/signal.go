package scheduler

import (
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// shutdownDefault is the process's default of StopOnShutdown.
var shutdownDefault struct {
	sync.Mutex
	on bool
}

// SetStopOnShutdown makes contexts started from now on in this process
// stop on a signal (or not), whatever their own option.
func SetStopOnShutdown(on bool) {
	shutdownDefault.Lock()
	defer shutdownDefault.Unlock()
	shutdownDefault.on = on
}

// StopOnShutdown reports whether a context stops on a signal: when its own
// option says so, the process's default (SetStopOnShutdown) does, or the
// environment variable env is "true".
func StopOnShutdown(option bool, env string) bool {
	shutdownDefault.Lock()
	on := shutdownDefault.on
	shutdownDefault.Unlock()
	return on || option || os.Getenv(env) == "true"
}

// StopOnSignal listens, from the moment it returns, for SIGTERM and SIGINT
// until done is closed. The first signal calls stop with it, on a goroutine
// of StopOnSignal's own; a second one while stop runs ends the process,
// with status 130 after SIGINT and 143 after SIGTERM, as a shell reports a
// process killed by it.
func StopOnSignal(done <-chan struct{}, stop func(sig os.Signal)) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGTERM, os.Interrupt)
	go func() {
		defer signal.Stop(sigs)
		select {
		case <-done:
		case sig := <-sigs:
			select {
			case <-done:
				return // the signal came too late to be this loop's
			default:
			}
			go func() {
				select {
				case again := <-sigs:
					code := 130
					if again == syscall.SIGTERM {
						code = 143
					}
					os.Exit(code)
				case <-done:
				}
			}()
			stop(sig)
		}
	}()
}
