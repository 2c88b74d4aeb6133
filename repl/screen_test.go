package repl

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// screen runs gostream in tmux, a real terminal emulator: what it shows is
// the screen a user sees (lines redrawn in place, the cursor's moves
// applied), and it is compared whole with a golden file under
// testdata/screens (go test -update rewrites them).
type screen struct {
	t       *testing.T
	sock    string
	history string
	env     []string
	mark    int // where in text() the next expect looks from: the start of the line where the last match began
}

func newScreen(t *testing.T, env ...string) *screen {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatalf("tmux is needed (test.sh installs it): %v", err)
	}
	dir := t.TempDir()
	sc := &screen{t: t, sock: filepath.Join(dir, "tmux"), history: filepath.Join(dir, "history.jsonl"), env: env}
	t.Cleanup(func() { exec.Command("tmux", "-S", sc.sock, "kill-server").Run() })
	return sc
}

func (sc *screen) tmux(args ...string) string {
	sc.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", sc.sock}, args...)...).CombinedOutput()
	if err != nil {
		sc.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// start runs gostream in a window of 100×30, kept open after it exits.
func (sc *screen) start() {
	sc.t.Helper()
	// The shell's exit status is printed by a shell around it: tmux 3.3
	// shows no "Pane is dead (status N)" when the terminal closes before
	// the process is reaped.
	cmd := []string{"sh", "-c", `"$@"; echo "gostream exited with status $?"`, "sh", "env", "GOSTREAM_HISTORY=" + sc.history}
	cmd = append(cmd, sc.env...)
	cmd = append(cmd, binary)
	if _, err := os.Stat(sc.sock); err != nil {
		sc.tmux(append([]string{"new-session", "-d", "-x", "100", "-y", "30", "-s", "t"}, cmd...)...)
		sc.tmux("set-option", "-t", "t", "remain-on-exit", "on")
	} else {
		sc.tmux("respawn-pane", "-k", "-t", "t", strings.Join(quoteAll(cmd), " "))
		sc.tmux("clear-history", "-t", "t")
	}
	sc.mark = 0
	sc.expect("gostream>")
}

func quoteAll(args []string) []string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return q
}

// text is what the window shows, its scrollback included, without the
// spaces that end lines and the empty lines at the bottom.
func (sc *screen) text() string {
	sc.t.Helper()
	lines := strings.Split(sc.tmux("capture-pane", "-p", "-S", "-", "-t", "t"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n") + "\n"
}

// expect waits until the screen shows want, from the line where the
// previous match began (the lines above the input being edited stay as
// they are; the input is drawn again as it changes).
func (sc *screen) expect(want string) {
	sc.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := sc.text()
		if i := strings.Index(s[min(sc.mark, len(s)):], want); i >= 0 {
			sc.mark = strings.LastIndex(s[:sc.mark+i], "\n") + 1
			return
		}
		if time.Now().After(deadline) {
			sc.t.Fatalf("the screen never showed %q after what it showed before; it shows:\n%s", want, s)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// typeText types text literally.
func (sc *screen) typeText(text string) { sc.tmux("send-keys", "-t", "t", "-l", text) }

// keys presses keys by tmux's names: Enter, Up, C-r, Tab, End, BSpace.
func (sc *screen) keys(keys ...string) { sc.tmux(append([]string{"send-keys", "-t", "t"}, keys...)...) }

// enter waits for an empty prompt, types a line and Enter, and waits for
// the screen to show want.
func (sc *screen) enter(line, want string) {
	sc.t.Helper()
	sc.idle()
	sc.typeText(line)
	sc.keys("Enter")
	sc.expect(want)
}

// idle waits until the last line of the screen is a prompt with nothing
// typed after it, so that keys sent next are not drawn before the prompt.
func (sc *screen) idle() {
	sc.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := strings.TrimRight(sc.text(), "\n")
		last := s[strings.LastIndex(s, "\n")+1:]
		if last == "gostream>" || last == "......>" {
			return
		}
		if time.Now().After(deadline) {
			sc.t.Fatalf("the screen never showed an empty prompt; it shows:\n%s", s)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// golden compares the whole screen with testdata/screens/NAME.
func (sc *screen) golden(name string) {
	sc.t.Helper()
	got := sc.text()
	path := filepath.Join("testdata", "screens", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			sc.t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			sc.t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		sc.t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		sc.t.Errorf("the screen differs from %s\n--- got ---\n%s--- want ---\n%s", path, got, want)
	}
}

const tripleBlock = "func triple(n int) int {\nreturn n * 3\n}"

// defineTriple types the function of three lines, line by line.
func (sc *screen) defineTriple() {
	sc.t.Helper()
	for _, l := range strings.Split(tripleBlock, "\n") {
		sc.typeText(l)
		sc.keys("Enter")
	}
	sc.expect("......> }\ngostream>")
}

// TestScreenUpRecallsBlock: Up recalls an input of three lines whole, as
// one entry, which Enter runs again and which is edited as one (the cursor
// moves between its lines).
func TestScreenUpRecallsBlock(t *testing.T) {
	sc := newScreen(t)
	sc.start()
	sc.defineTriple()
	sc.enter("triple(2)", "triple(2)\n6\ngostream>")
	sc.keys("Up", "Up")
	sc.expect("gostream> func triple(n int) int {\n......> return n * 3\n......> }")
	sc.keys("Enter")
	sc.enter("triple(3)", "triple(3)\n9\ngostream>")
	// Up, Up: the block, then its second line; 3 becomes 4.
	sc.keys("Up", "Up", "Up", "End", "BSpace")
	sc.typeText("4")
	sc.expect("......> return n * 4\n......> }")
	sc.keys("Enter")
	sc.enter("triple(2)", "triple(2)\n8\ngostream>")
	sc.golden("recall-block")
}

// TestScreenCtrlCDiscardsLine: Ctrl-C on a half-typed input discards it and
// leaves the streams running; on an empty line it stops them.
func TestScreenCtrlCDiscardsLine(t *testing.T) {
	sc := newScreen(t)
	sc.start()
	sc.enter(`ssc := engine.NewStreamingContext("local[2]", "kept", engine.Seconds(1), engine.WithManualClock())`, "Clock())\ngostream>")
	sc.enter(`ssc.QueueStream(engine.NewQueue(), true).Print()`, ".Print()\ngostream>")
	sc.enter(`ssc.Start()`, "ssc.Start()\ngostream>")
	sc.typeText("lines := ssc.Sock")
	sc.keys("C-c")
	sc.expect("gostream> lines := ssc.Sock^C\ngostream>")
	sc.enter(":streams", "   no batch completed yet\ngostream>")
	// A block of two lines so far is discarded whole.
	sc.typeText("func half() {")
	sc.keys("Enter")
	sc.typeText("return")
	sc.keys("C-c")
	sc.expect("......> return^C\ngostream>")
	sc.enter("half", "undefined: half")
	sc.keys("C-c")
	sc.expect("gostream> ^C\nstopped 1 stream(s)\ngostream>")
	sc.enter(":streams", "no streams running\ngostream>")
	sc.golden("ctrl-c")
}

// TestScreenHistorySurvivesRestart: the history file keeps an input of
// several lines as one entry, recalled whole by the next shell.
func TestScreenHistorySurvivesRestart(t *testing.T) {
	sc := newScreen(t)
	sc.start()
	sc.defineTriple()
	sc.enter(":type triple", "func(int) int\ngostream>")
	sc.keys("C-d")
	sc.expect("gostream exited with status 0")
	hist, err := os.ReadFile(sc.history)
	if err != nil {
		t.Fatal(err)
	}
	if want := "\"func triple(n int) int {\\nreturn n * 3\\n}\"\n\":type triple\"\n"; string(hist) != want {
		t.Errorf("history file holds %q; want %q", hist, want)
	}
	sc.start()
	sc.keys("Up", "Up")
	sc.expect("gostream> func triple(n int) int {\n......> return n * 3\n......> }")
	sc.keys("Enter")
	sc.enter("triple(5)", "triple(5)\n15\ngostream>")
	sc.golden("history-restart")
}

// TestScreenCtrlRSearches: Ctrl-R finds earlier inputs by what they hold,
// newest first; Ctrl-R again goes to older ones, and Enter runs the one
// found.
func TestScreenCtrlRSearches(t *testing.T) {
	sc := newScreen(t)
	sc.start()
	sc.defineTriple()
	sc.enter("triple(2)", "triple(2)\n6\ngostream>")
	sc.enter(`strings.ToUpper("trip")`, "TRIP\ngostream>")
	sc.keys("C-r")
	sc.typeText("trip")
	sc.expect("(reverse-i-search)`trip': strings.ToUpper(\"trip\")")
	sc.keys("C-r")
	sc.expect("(reverse-i-search)`trip': triple(2)")
	sc.typeText("le(")
	sc.expect("(reverse-i-search)`triple(': triple(2)")
	sc.keys("C-r")
	sc.expect("(reverse-i-search)`triple(': func triple(n int) int {\n......> return n * 3\n......> }")
	sc.keys("C-r")
	sc.expect("(failed reverse-i-search)`triple(': func triple(n int) int {")
	sc.keys("BSpace")
	sc.expect("(reverse-i-search)`triple': triple(2)")
	sc.keys("Enter")
	sc.expect("gostream> triple(2)\n6\ngostream>")
	// Ctrl-G gives back what was typed.
	sc.typeText("1 + 1")
	sc.keys("C-r")
	sc.typeText("Upper")
	sc.expect("(reverse-i-search)`Upper': strings.ToUpper(\"trip\")")
	sc.keys("C-g")
	sc.expect("gostream> 1 + 1")
	sc.keys("Enter")
	sc.expect("gostream> 1 + 1\n2\ngostream>")
	sc.golden("ctrl-r")
}

// TestScreenEdit: :edit opens $EDITOR on the last input and runs what the
// editor saved; Up then recalls the edited input.
func TestScreenEdit(t *testing.T) {
	editor := filepath.Join(t.TempDir(), "editor.sh")
	script := "#!/bin/sh\nsed -i 's/n \\* 3/n * 5/' \"$1\"\n"
	if err := os.WriteFile(editor, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	sc := newScreen(t, "VISUAL=", "EDITOR="+editor)
	sc.start()
	sc.defineTriple()
	sc.enter(":edit", ":edit\ngostream> func triple(n int) int {\n......> return n * 5\n......> }\ngostream>")
	sc.enter("triple(2)", "triple(2)\n10\ngostream>")
	sc.keys("Up", "Up")
	sc.expect("gostream> func triple(n int) int {\n......> return n * 5\n......> }")
	sc.keys("C-c")
	sc.expect("......> }^C\ngostream>")
	sc.golden("edit")
}

// TestShellTabCompletionZeroSize: in a pty that reports a size of 0×0, as
// some terminals and tools do, Tab lists completions 80 columns wide.
func TestShellTabCompletionZeroSize(t *testing.T) {
	term := startTerminalSize(t, 0, 0)
	term.send("strings.Trim\t")
	// 9 names of up to 13 columns, 15 apart: 5 across 80 columns, down
	// then across.
	term.expect("\nTrim           TrimLeft       TrimPrefix     TrimRightFunc  TrimSuffix\n" +
		"TrimFunc       TrimLeftFunc   TrimRight      TrimSpace\n")
	term.expect("gostream> strings.Trim")
	term.send("Pre\t")
	term.expect("TrimPrefix")
	term.send(`("gostream", "go")` + "\r")
	term.expect("\nstream\n")
}
