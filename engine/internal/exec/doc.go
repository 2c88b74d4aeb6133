// Package exec is the worker pool of local[N]: at most N tasks of a
// context run at a time, on their own goroutines.
//
// The contract: Run runs tasks 0..n-1 and returns when all have ended; a
// task that panics does not stop the others, and Run returns what the first
// task to fail panicked with (nil when none did), for the engine to turn
// into its error. Run is not nested inside a task (the pool's slots are
// held by running tasks, so a nested Run could wait for itself).
package exec
