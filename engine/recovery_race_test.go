//go:build race

package engine

// raceEnabled skips the kill tests under the race detector: they drive
// child processes and run in the normal test run.
const raceEnabled = true
