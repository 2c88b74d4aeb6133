package repl

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// terminal runs gostream on a real pseudo-terminal, as a user's terminal
// emulator would, and keeps everything it prints.
type terminal struct {
	t       *testing.T
	cmd     *exec.Cmd
	tty     *os.File
	mu      sync.Mutex
	out     []byte
	mark    int // screen() offset where the next expect starts
	done    chan struct{}
	history string
}

func startTerminal(t *testing.T) *terminal {
	t.Helper()
	return startTerminalSize(t, 40, 160)
}

// startTerminalSize starts gostream on a pty of rows×cols (0×0: a pty
// whose size was never set).
func startTerminalSize(t *testing.T, rows, cols uint16) *terminal {
	t.Helper()
	history := filepath.Join(t.TempDir(), "history")
	cmd := exec.Command(binary)
	cmd.Env = append(os.Environ(), "GOSTREAM_HISTORY="+history, "TERM=xterm")
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: rows, Cols: cols})
	if err != nil {
		t.Fatalf("starting gostream on a pty: %v", err)
	}
	term := &terminal{t: t, cmd: cmd, tty: tty, done: make(chan struct{}), history: history}
	go func() {
		defer close(term.done)
		buf := make([]byte, 4096)
		for {
			n, err := tty.Read(buf)
			term.mu.Lock()
			term.out = append(term.out, buf[:n]...)
			term.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		tty.Close()
	})
	term.expect("gostream> ")
	return term
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r`)

// screen is everything printed so far, with terminal control sequences
// removed.
func (term *terminal) screen() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return ansi.ReplaceAllString(string(term.out), "")
}

func (term *terminal) send(keys string) {
	term.t.Helper()
	if _, err := term.tty.Write([]byte(keys)); err != nil {
		term.t.Fatalf("typing %q: %v", keys, err)
	}
}

// ctrlC types Ctrl-C at the prompt and waits for the fresh prompt.
func (term *terminal) ctrlC() {
	term.t.Helper()
	term.send("\x03")
	term.expect("^C\n")
	term.expect("gostream> ")
}

// expect waits until want appears on the screen after the previous
// expectation, and moves past it.
func (term *terminal) expect(want string) {
	term.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := term.screen()
		if i := strings.Index(s[min(term.mark, len(s)):], want); i >= 0 {
			term.mark += i + len(want)
			return
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("screen never showed %q; after the last match it shows:\n%s", want, s[min(term.mark, len(s)):])
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// run types a line and waits for the output and the next prompt.
func (term *terminal) run(line, want string) {
	term.t.Helper()
	term.send(line + "\r")
	// The line followed by a newline is the Enter; a prompt seen before it
	// may be a redraw of the line being typed.
	term.expect(line + "\n")
	if want != "" {
		term.expect(want)
	}
	term.expect("gostream> ")
}

func TestShellTyping(t *testing.T) {
	term := startTerminal(t)
	term.run("x := 21", "")
	term.run("x * 2", "42")
	// An incomplete input continues on the next line.
	term.send("func triple(n int) int {\r")
	term.expect("......> ")
	term.send("return n * 3\r")
	term.expect("......> ")
	term.send("}\r")
	term.expect("gostream> ")
	term.run("triple(x)", "63")
	term.run("nosuch + 1", "1:1: undefined: nosuch")
	term.run(":doc engine.Sum", "func engine.Sum(int, int) int")
	term.run(":type triple", "func(int) int")
	// Ctrl-C at an idle prompt clears the line being typed.
	term.send("this is not go")
	term.expect("this is not go")
	term.ctrlC()
	term.run("x", "21")
	// Ctrl-D leaves, and the history was kept.
	term.send("\x04")
	select {
	case <-term.done:
	case <-time.After(20 * time.Second):
		t.Fatal("gostream did not exit on Ctrl-D")
	}
	hist, err := os.ReadFile(term.history)
	if err != nil {
		t.Fatalf("history file: %v", err)
	}
	for _, want := range []string{"x * 2", "triple(x)", ":doc engine.Sum"} {
		if !strings.Contains(string(hist), want) {
			t.Errorf("history %q lacks %q", hist, want)
		}
	}
	if strings.Contains(string(hist), "this is not go") {
		t.Errorf("history %q holds the line cleared by Ctrl-C", hist)
	}
}

func TestShellTabCompletion(t *testing.T) {
	term := startTerminal(t)
	term.run(`ssc := engine.NewStreamingContext("local[2]", "tab", engine.Seconds(1), engine.WithManualClock())`, "")
	term.run("lines := ssc.QueueStream(engine.NewQueue(), true)", "")
	// A unique completion is inserted.
	term.send("engine.NewStreamingCon\t")
	term.expect("engine.NewStreamingContext")
	term.ctrlC()
	// Methods of a value: FlatMap and FlatMapValues share "FlatMap".
	term.send("words := lines.Fl\t")
	term.expect("FlatMap")
	term.send("\t")
	term.expect("FlatMapValues")
	term.send("(strings.Fields)\r")
	term.expect("gostream> ")
	term.run(":type words", "*engine.DStream")
}

func TestShellCtrlCStopsStreams(t *testing.T) {
	term := startTerminal(t)
	term.run("seen := 0", "")
	term.run(`ssc := engine.NewStreamingContext("local[2]", "ticker", engine.Milliseconds(100))`, "")
	term.run(`ssc.RateStream(50).Count().Map(func(n int) string { seen++; return "batch of " + strconv.Itoa(n) }).Print()`, "")
	term.run("ssc.Start()", "")
	// Batches print above the prompt while it waits.
	term.expect("batch of 5")
	// Type while batches print: the line being typed survives.
	term.send("typed := 7")
	term.expect("batch of 5")
	term.expect("batch of 5")
	term.send(" * 6\r")
	term.expect("gostream> ")
	term.run(":streams", "last batch")
	// Ctrl-C during a running input stops it and the streams.
	term.send("ssc.AwaitTermination()\r")
	term.expect("ssc.AwaitTermination()\n")
	term.expect("batch of 5")
	term.send("\x03")
	term.expect("Interrupted: the input was stopped, and running streams with it; variables are kept")
	term.expect("gostream> ")
	term.run(":streams", "no streams running")
	// Every variable is kept, and interpreted closures still work.
	term.run("typed", "42")
	term.run("seen > 0", "true")
	term.run(`exclaim := func(s string) string { return s + "!" }`, "")
	term.run(`exclaim("alive")`, "alive!")
}

func TestShellCtrlCAtPromptStopsStreams(t *testing.T) {
	term := startTerminal(t)
	term.run(`ssc := engine.NewStreamingContext("local[2]", "idle", engine.Milliseconds(100))`, "")
	term.run(`ssc.RateStream(20).Count().Print()`, "")
	term.run("ssc.Start()", "")
	term.expect("Time: ")
	term.send("\x03")
	term.expect("stopped 1 stream(s)")
	term.expect("gostream> ")
	term.run(":streams", "no streams running")
}

// TestShellCutsLongValues: a large value is shown cut, with a line that
// says so, and the shell goes on.
func TestShellCutsLongValues(t *testing.T) {
	term := startTerminal(t)
	term.run("big := make([]int, 300000)", "")
	start := len(term.screen())
	term.run("big", "... (4096 of 600001 bytes shown; fmt.Println(...) shows the whole value)")
	if n := len(term.screen()) - start; n > 2*MaxValueLength {
		t.Errorf("%d bytes on the screen for a value cut at %d", n, MaxValueLength)
	}
	term.run("len(fmt.Sprint(big))", "600001")
	term.run(`strings.Repeat("é", 3000)[:10]`, "ééééé")
}

// TestShellTabCompletesMetaCommands: Tab completes meta-commands, the file
// after :load, and Go after :type.
func TestShellTabCompletesMetaCommands(t *testing.T) {
	term := startTerminal(t)
	term.run("total := 5", "")
	term.send(":stre\t")
	term.expect(":streams ")
	term.send("\r")
	term.expect("no streams running")
	term.expect("gostream> ")
	term.send(":load testdata/li\t")
	term.expect("testdata/lib.go.txt")
	term.send("\r")
	term.expect("gostream> ")
	term.run(`Shout("tab")`, "TAB!")
	term.send(":type tot\t")
	term.expect(":type total")
	term.send("\r")
	term.expect("int")
	term.expect("gostream> ")
}
