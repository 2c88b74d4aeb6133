package scheduler

import (
	"os"
	"os/signal"
	"syscall"
)

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
