//go:build race

package session

// raceDetector is true under -race. yaegi does not synchronise its frames:
// each evaluation rewrites fields of the global frame that interpreted
// closures, called by a running batch on another goroutine, read. Tests that
// evaluate while such closures run are skipped under the race detector.
const raceDetector = true
