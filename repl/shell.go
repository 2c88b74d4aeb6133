package repl

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gostream/gostream/engine"
	"github.com/gostream/gostream/repl/session"
)

const (
	// Prompt is shown when the shell waits for a new input.
	Prompt = "gostream> "
	// ContinuationPrompt is shown while the input so far is incomplete.
	ContinuationPrompt = "......> "
)

// Main runs the shell on the process's standard input and output and
// returns the exit status: with a terminal, an interactive shell; with a
// pipe or file, the inputs are evaluated without prompts and the status is
// 1 when any of them failed.
func Main(args []string) int {
	fs := flag.NewFlagSet("gostream shell", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: gostream [shell [SCRIPT]]\n\nThe interactive shell. Standard input may be a terminal or a script;\na SCRIPT file is evaluated as if it were standard input.")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	switch fs.NArg() {
	case 0:
	case 1:
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			fmt.Fprintf(os.Stderr, "gostream shell: %v\n", err)
			return 1
		}
		defer f.Close()
		return script(f, fs.Arg(0), os.Stdout, os.Stderr)
	default:
		fs.Usage()
		return 2
	}
	if isTerminal(os.Stdin) && isTerminal(os.Stdout) {
		return Interactive(os.Stdin, os.Stdout, os.Stderr)
	}
	return Script(os.Stdin, os.Stdout, os.Stderr)
}

// MaxValueLength is how many bytes of an input's value the interactive
// shell shows; the rest is cut, so that evaluating a large slice by mistake
// (rdd.Collect()) does not flood the terminal. fmt.Println shows a value
// whole.
const MaxValueLength = 4096

// Shell is the state behind the shell: the session and where output goes.
type Shell struct {
	s           *session.Session
	out, errOut io.Writer
	quit        bool
	maxValue    int    // bytes of a value shown; 0: all
	line        int    // the line of a script where the input being evaluated starts; 0: not a script
	file        string // the script's file, if it is not standard input
	lastInput   string // the last input of Go evaluated, for :edit

	// Interactive only.
	hist  *history
	ttyIn *os.File  // the terminal, for :edit's editor
	tty   io.Writer // the terminal's output
}

// printResult shows the outcome of one input.
func (sh *Shell) printResult(res session.Result, err error) {
	if err != nil {
		sh.printError(err)
		return
	}
	if res.HasValue {
		fmt.Fprintln(sh.out, cutValue(res.Text, sh.maxValue))
	}
}

// cutValue returns text cut to at most max bytes (on a character boundary)
// followed by a line saying how much was left out; max 0 keeps it whole.
func cutValue(text string, max int) string {
	if max <= 0 || len(text) <= max {
		return text
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return fmt.Sprintf("%s\n... (%d of %d bytes shown; fmt.Println(...) shows the whole value)", text[:cut], cut, len(text))
}

func (sh *Shell) printError(err error) {
	var ee *session.EvalError
	if errors.As(err, &ee) {
		fmt.Fprintln(sh.errOut, ee.Error())
		for _, l := range ee.Traceback {
			fmt.Fprintf(sh.errOut, "\t%s\n", l)
		}
		return
	}
	fmt.Fprintf(sh.errOut, "error: %v\n", err)
}

// eval evaluates one complete input (or meta-command) and reports whether
// it succeeded.
func (sh *Shell) eval(ctx context.Context, input string) bool {
	trimmed := strings.TrimSpace(input)
	if trimmed == "" {
		return true
	}
	if strings.HasPrefix(trimmed, ":") {
		return sh.meta(ctx, trimmed)
	}
	sh.lastInput = input
	res, err := sh.s.EvalAt(ctx, input, sh.file, sh.line)
	sh.printResult(res, err)
	return err == nil
}

const helpText = `Type Go: statements, expressions (their value is shown), declarations and
imports, in any mix. fmt, strings, strconv, time, math, sort and engine are
imported. An input continues on the next line while it is incomplete.

  :help          this text
  :quit          stop streams gracefully and leave (also Ctrl-D)
  :reset         forget everything and stop streams
  :load FILE     evaluate a Go file (its func main becomes main_, not run)
  :type EXPR     the type of an expression
  :doc NAME      what a name is: signature, type, members (engine.Window)
  :edit          edit the last input in $EDITOR, then run it
  :streams       running streaming contexts and their last batch
  :stop          stop running streams

Tab completes names, package members and methods (lines.Fl<Tab>).
Up and Down recall earlier inputs, whole; Ctrl-R searches them. Enter runs
a complete input wherever the cursor is, Alt-Enter starts a new line.
Ctrl-C discards the input being typed; on an empty line, or while an input
runs, it stops the running streams (and the input); variables stay.
`

// meta runs a meta-command.
func (sh *Shell) meta(ctx context.Context, line string) bool {
	cmd, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(arg)
	switch cmd {
	case ":help", ":h", ":?":
		fmt.Fprint(sh.out, helpText)
	case ":quit", ":q", ":exit":
		sh.quit = true
	case ":reset":
		if err := sh.s.Reset(); err != nil {
			sh.printError(err)
			return false
		}
		fmt.Fprintln(sh.out, "session reset")
	case ":load":
		if arg == "" {
			fmt.Fprintln(sh.errOut, ":load: want a file name")
			return false
		}
		src, err := os.ReadFile(arg)
		if err != nil {
			fmt.Fprintf(sh.errOut, ":load: %v\n", err)
			return false
		}
		res, err := sh.s.EvalAt(ctx, loadable(string(src)), arg, 1)
		if err != nil {
			var ee *session.EvalError
			if errors.As(err, &ee) && !strings.HasPrefix(ee.Message, arg+":") {
				ee.Message = arg + ": " + ee.Message
			}
		}
		sh.printResult(res, err)
		return err == nil
	case ":type":
		if arg == "" {
			fmt.Fprintln(sh.errOut, ":type: want an expression")
			return false
		}
		t, err := sh.s.TypeOf(ctx, arg)
		if err != nil {
			sh.printError(err)
			return false
		}
		fmt.Fprintln(sh.out, t)
	case ":doc":
		if arg == "" {
			fmt.Fprintln(sh.errOut, ":doc: want a name")
			return false
		}
		doc, ok := sh.s.Describe(arg)
		if !ok {
			if alt := sh.s.DidYouMean(arg); alt != "" {
				fmt.Fprintf(sh.errOut, ":doc: %s: not found (did you mean %s?)\n", arg, alt)
			} else {
				fmt.Fprintf(sh.errOut, ":doc: %s: not found\n", arg)
			}
			return false
		}
		fmt.Fprintln(sh.out, doc)
	case ":edit":
		return sh.edit(ctx)
	case ":streams":
		sh.printStreams()
	case ":stop":
		n := len(sh.s.Streams())
		sh.s.StopStreams(false)
		fmt.Fprintf(sh.out, "stopped %d stream(s)\n", n)
	default:
		fmt.Fprintf(sh.errOut, "unknown command %s (:help lists them)\n", cmd)
		return false
	}
	return true
}

// mainDecl matches the declaration of func main in a loaded file.
var mainDecl = regexp.MustCompile(`(?m)^func main\(\)`)

// loadable turns the content of a Go file into a shell input: the package
// clause goes, and func main is renamed main_ (the shell runs every input
// as main), so it can be called but does not run.
func loadable(src string) string {
	src = mainDecl.ReplaceAllString(src, "func main_()")
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "package ") {
			lines[i] = "" // keep line numbers
			break
		}
		if t != "" && !strings.HasPrefix(t, "//") {
			break
		}
	}
	return strings.Join(lines, "\n")
}

func (sh *Shell) printStreams() {
	streams := sh.s.Streams()
	if len(streams) == 0 {
		fmt.Fprintln(sh.out, "no streams running")
	}
	defer sh.printNotStarted()
	for i, c := range streams {
		fmt.Fprintf(sh.out, "%d  %s  %s  batch %v\n", i+1, c.AppName(), c.Master(), c.BatchDuration())
		if b, ok := c.LastBatch(); ok {
			fmt.Fprintf(sh.out, "   last batch %v: %d records, scheduling delay %v, processing %v, total delay %v\n",
				b.BatchTime, b.Records, round(b.SchedulingDelay), round(b.ProcessingDelay), round(b.TotalDelay))
			if b.Err != nil {
				fmt.Fprintf(sh.out, "   error: %v\n", b.Err)
			}
		} else {
			fmt.Fprintln(sh.out, "   no batch completed yet")
		}
	}
}

// printNotStarted names the contexts that were created but never started,
// for the user who forgot ssc.Start().
func (sh *Shell) printNotStarted() {
	var names []string
	for _, c := range sh.s.Contexts() {
		if c.State() == engine.Initialized {
			names = append(names, c.AppName())
		}
	}
	if len(names) > 0 {
		fmt.Fprintf(sh.out, "not started: %s (Start() runs a context)\n", strings.Join(names, ", "))
	}
}

func round(d time.Duration) time.Duration {
	switch {
	case d > time.Second:
		return d.Round(time.Millisecond)
	case d > time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

// Script evaluates the inputs read from r without prompts: each input is
// as many lines as make it complete. It returns 1 when any input or any
// batch of a stream failed.
// At the end of the input, running streams are stopped gracefully.
func Script(r io.Reader, stdout, stderr io.Writer) int {
	return script(r, "", stdout, stderr)
}

// script is Script for a script read from the file name ("" for standard
// input), which positions in errors then name.
func script(r io.Reader, name string, stdout, stderr io.Writer) int {
	stdin := io.Reader(os.Stdin)
	if name == "" {
		stdin = r
	}
	s, err := session.New(session.Options{Stdout: stdout, Stderr: stderr, Stdin: stdin})
	if err != nil {
		fmt.Fprintf(stderr, "gostream: %v\n", err)
		return 1
	}
	sh := &Shell{s: s, out: stdout, errOut: stderr, file: name}
	ctx, stop := interruptContext(s)
	defer stop()
	failed := false
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	var buf strings.Builder
	lineNo, first := 0, 0 // the line just read, the first line of buf
	flush := func() {
		// Positions in errors and tracebacks count the lines of the
		// script, not of the input.
		sh.line = first
		if !sh.eval(ctx, buf.String()) {
			failed = true
		}
		buf.Reset()
	}
	for !sh.quit && sc.Scan() {
		line := sc.Text()
		lineNo++
		if buf.Len() == 0 {
			first = lineNo
		}
		if buf.Len() == 0 && strings.HasPrefix(strings.TrimSpace(line), ":") {
			buf.WriteString(line)
			flush()
			continue
		}
		buf.WriteString(line)
		buf.WriteByte('\n')
		if status, _ := s.IsComplete(buf.String()); status != "incomplete" {
			flush()
		}
	}
	if strings.TrimSpace(buf.String()) != "" {
		flush()
	}
	s.Close()
	if failed || s.FailedBatches() > 0 {
		return 1
	}
	return 0
}

// interruptContext makes SIGINT interrupt the session: it stops running
// streams and the running input, and the shell goes on.
func interruptContext(s *session.Session) (context.Context, func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-ch:
				// Not waited for: a second Ctrl-C while the first waits
				// for a stuck batch forces the stop (see Session.Interrupt).
				go s.Interrupt()
			case <-done:
				return
			}
		}
	}()
	return context.Background(), func() {
		signal.Stop(ch)
		close(done)
	}
}

// Interactive runs the shell on a terminal: prompts, inputs of several
// lines edited as one, history, completion. Output of running streams is
// printed above the input being typed. in must be the terminal, stdout
// the terminal too.
func Interactive(in *os.File, stdout, stderr io.Writer) int {
	hist, err := loadHistory(HistoryFile())
	if err != nil {
		fmt.Fprintf(stderr, "gostream: history %s: %v\n", hist.path, err)
	}
	ed := newEditor(in, stdout, hist)
	s, err := session.New(session.Options{Stdout: ed, Stderr: ed, Stdin: in})
	if err != nil {
		fmt.Fprintf(stderr, "gostream: %v\n", err)
		return 1
	}
	sh := &Shell{s: s, out: ed, errOut: ed, maxValue: MaxValueLength, hist: hist, ttyIn: in, tty: stdout}
	ed.complete = completer{sh}.Do
	ed.isComplete = func(text string) bool {
		status, _ := s.IsComplete(text)
		return status != "incomplete"
	}
	ctx, stop := interruptContext(s)
	defer stop()
	fmt.Fprintln(ed, "gostream shell: Go with Spark Streaming's DStreams. :help for help, Ctrl-D to leave.")

	historyFailed := false
	for !sh.quit {
		input, err := ed.readInput()
		var intr errInterrupted
		switch {
		case errors.As(err, &intr):
			// Ctrl-C on a half-typed input discards it, as in bash; on an
			// empty one it stops the streams.
			if n := len(s.Streams()); n > 0 && !intr.discarded {
				s.Interrupt()
				fmt.Fprintf(ed, "stopped %d stream(s)\n", n)
			}
			continue
		case err == io.EOF:
			if n := len(s.Streams()); n > 0 {
				fmt.Fprintf(ed, "stopping %d stream(s)...\n", n)
			}
			s.Close()
			return 0
		case err != nil:
			fmt.Fprintf(ed, "gostream: %v\n", err)
			s.Close()
			return 1
		}
		if err := hist.add(input); err != nil && !historyFailed {
			historyFailed = true
			fmt.Fprintf(ed, "gostream: history %s: %v (inputs are not saved)\n", hist.path, err)
		}
		sh.eval(ctx, input+"\n")
	}
	s.Close()
	return 0
}

// completer adapts Session.Complete to the editor.
type completer struct{ sh *Shell }

func (c completer) Do(line []rune, pos int) (newLine [][]rune, length int) {
	sh := c.sh
	src := string(line)
	cursor := len(string(line[:pos]))
	if cmd, _, hasArg := strings.Cut(src[:cursor], " "); strings.HasPrefix(src, ":") && (!hasArg || cmd == ":load") {
		return completeMeta(src[:cursor])
	}
	matches, start, _ := sh.s.Complete(src, cursor)
	prefix := src[start:cursor]
	sort.Strings(matches)
	for _, m := range matches {
		newLine = append(newLine, []rune(m[len(prefix):]))
	}
	return newLine, utf8.RuneCountInString(prefix)
}

// metaCommands are the meta-commands offered by Tab after ":".
var metaCommands = []string{":doc", ":edit", ":help", ":load", ":quit", ":reset", ":stop", ":streams", ":type"}

// completeMeta completes the meta-command being typed, and the file name
// after :load (the arguments of :type and :doc are completed as Go).
func completeMeta(typed string) (newLine [][]rune, length int) {
	cmd, arg, hasArg := strings.Cut(typed, " ")
	if !hasArg {
		for _, m := range metaCommands {
			if strings.HasPrefix(m, cmd) {
				newLine = append(newLine, []rune(m[len(cmd):]+" "))
			}
		}
		return newLine, utf8.RuneCountInString(cmd)
	}
	arg = strings.TrimLeft(arg, " ")
	files, _ := filepath.Glob(arg + "*")
	sort.Strings(files)
	for _, f := range files {
		if st, err := os.Stat(f); err == nil && st.IsDir() {
			f += string(filepath.Separator)
		}
		newLine = append(newLine, []rune(f[len(arg):]))
	}
	return newLine, utf8.RuneCountInString(arg)
}

// edit opens the last input in the user's editor ($VISUAL, $EDITOR, or vi)
// and runs what it holds when the editor exits, shown as if typed; the
// edited input becomes the newest history entry.
func (sh *Shell) edit(ctx context.Context) bool {
	if sh.hist == nil {
		fmt.Fprintln(sh.errOut, ":edit: only in the interactive shell")
		return false
	}
	f, err := os.CreateTemp("", "gostream-edit-*.go")
	if err != nil {
		fmt.Fprintf(sh.errOut, ":edit: %v\n", err)
		return false
	}
	defer os.Remove(f.Name())
	text := sh.lastInput
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	_, err = f.WriteString(text)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintf(sh.errOut, ":edit: %v\n", err)
		return false
	}
	editor := os.Getenv("VISUAL")
	if editor == "" {
		editor = os.Getenv("EDITOR")
	}
	if editor == "" {
		editor = "vi"
	}
	// Through sh, as git runs it: EDITOR may hold arguments ("emacs -nw").
	cmd := exec.Command("sh", "-c", editor+` "$1"`, editor, f.Name())
	cmd.Stdin, cmd.Stdout, cmd.Stderr = sh.ttyIn, sh.tty, sh.tty
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(sh.errOut, ":edit: %s: %v; nothing was run\n", editor, err)
		return false
	}
	src, err := os.ReadFile(f.Name())
	if err != nil {
		fmt.Fprintf(sh.errOut, ":edit: %v\n", err)
		return false
	}
	input := strings.TrimRight(string(src), "\n")
	if strings.TrimSpace(input) == "" {
		fmt.Fprintln(sh.errOut, ":edit: the file is empty; nothing was run")
		return false
	}
	for i, l := range strings.Split(input, "\n") {
		p := Prompt
		if i > 0 {
			p = ContinuationPrompt
		}
		fmt.Fprintln(sh.out, p+l)
	}
	sh.hist.add(input)
	return sh.eval(ctx, input+"\n")
}
