package repl

import "testing"

// TestShellSurvivesGoroutinePanics: a panic in a goroutine the user
// started is reported on the terminal, and the shell goes on with what was
// defined.
func TestShellSurvivesGoroutinePanics(t *testing.T) {
	term := startTerminal(t)
	term.run("kept := 7", "")
	term.send(`go func() { panic("x") }()` + "\r")
	term.expect("goroutine panic: 1:13: x\n")
	term.run("func boom() { var m map[string]int; m[\"a\"] = 1 }", "")
	term.send("go boom()\r")
	term.expect("goroutine panic: ")
	term.expect("assignment to entry in nil map\n")
	term.expect("1:1: go statement\n")
	term.run("kept * 6", "42")
}
