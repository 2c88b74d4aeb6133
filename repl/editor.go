package repl

import (
	"bufio"
	"io"
	"os"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/sys/unix"
)

// The line editor of the interactive shell. An input is edited as one
// buffer, whatever its number of lines: Enter submits it when it is
// complete Go (or a meta-command) and starts a new line otherwise, and the
// history holds whole inputs, so that Up recalls a function of three lines
// as one entry, to edit and submit again as one. Output written while a
// line is edited (the Print() of a running stream) appears above it, and
// the line is drawn again below.

// errInterrupted is returned by readInput for Ctrl-C; discarded reports
// whether a half-typed input was discarded by it.
type errInterrupted struct{ discarded bool }

func (errInterrupted) Error() string { return "interrupted" }

// defaultColumns is the width assumed of a terminal that reports none (a pty
// whose size was never set says 0 columns).
const defaultColumns = 80

type editor struct {
	fd     int // the terminal read from
	in     *bufio.Reader
	out    io.Writer // the terminal
	prompt string    // the first line's prompt
	cont   string    // the prompt of the lines after the first

	// complete returns the completions of the text before cursor (a rune
	// index): the runes that follow the prefix, and the prefix's length in
	// runes.
	complete func(buf []rune, cursor int) ([][]rune, int)
	// isComplete reports whether text is an input to submit.
	isComplete func(text string) bool

	hist *history

	// restore leaves raw mode; finish calls it before it ends the input
	// on the screen, so that a Ctrl-C typed as soon as the input shows as
	// submitted is a signal to the input, not a key for the editor.
	restore func()

	mu     sync.Mutex // the fields below, and writes to out
	active bool       // a line is drawn and edited
	buf    []rune
	pos    int
	row    int // the cursor's row, counted from the first drawn row
	cols   int

	// Ctrl-R search.
	searching bool
	query     []rune
	found     int    // the history entry shown; -1 none
	failed    bool   // the query matches no entry
	saved     []rune // the buffer before the search
}

func newEditor(in *os.File, out io.Writer, hist *history) *editor {
	return &editor{fd: int(in.Fd()), in: bufio.NewReader(in), out: out, prompt: Prompt, cont: ContinuationPrompt, hist: hist}
}

// isTerminal reports whether f is a terminal.
func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// raw puts the terminal in raw mode for editing (keys unechoed, one at a
// time, Ctrl-C a key rather than a signal) and returns how to restore it.
// Output processing stays on, so that "\n" still ends a line.
func (e *editor) raw() (restore func(), err error) {
	old, err := unix.IoctlGetTermios(e.fd, unix.TCGETS)
	if err != nil {
		return nil, err
	}
	t := *old
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN] = 1
	t.Cc[unix.VTIME] = 0
	if err := unix.IoctlSetTermios(e.fd, unix.TCSETS, &t); err != nil {
		return nil, err
	}
	return func() { unix.IoctlSetTermios(e.fd, unix.TCSETS, old) }, nil
}

// columns is the terminal's width, or defaultColumns when it reports none.
func (e *editor) columns() int {
	ws, err := unix.IoctlGetWinsize(e.fd, unix.TIOCGWINSZ)
	if err != nil || ws.Col == 0 {
		return defaultColumns
	}
	return int(ws.Col)
}

// Write shows output of the shell or of running streams: above the line
// being edited, which is drawn again below it, or as it is when no line
// is.
func (e *editor) Write(p []byte) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.active {
		return e.out.Write(p)
	}
	var b strings.Builder
	e.clear(&b)
	b.Write(p)
	if len(p) > 0 && p[len(p)-1] != '\n' {
		b.WriteString("\n") // the line is drawn on a line of its own
	}
	e.draw(&b)
	_, err := io.WriteString(e.out, b.String())
	return len(p), err
}

// readInput edits one input and returns it when submitted. Ctrl-C returns
// errInterrupted, Ctrl-D on an empty input io.EOF.
func (e *editor) readInput() (string, error) {
	restore, err := e.raw()
	if err != nil {
		return "", err
	}
	var once sync.Once
	e.restore = func() { once.Do(restore) }
	defer e.restore()
	e.mu.Lock()
	e.buf, e.pos, e.row, e.active, e.searching = nil, 0, 0, true, false
	e.hist.startEdit()
	e.redraw()
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.active = false
		e.mu.Unlock()
	}()
	for {
		k, err := e.readKey()
		if err != nil {
			e.mu.Lock()
			e.finish("\n")
			e.mu.Unlock()
			return "", err
		}
		e.mu.Lock()
		text, done, err := e.key(k)
		e.mu.Unlock()
		if done || err != nil {
			return text, err
		}
	}
}

// key is one key read from the terminal: a rune, or an escape sequence
// (esc set, seq the bytes after ESC).
type key struct {
	r   rune
	esc bool
	seq string
}

const (
	ctrlA = 'a' - 'a' + 1 + iota
	ctrlB
	ctrlC
	ctrlD
	ctrlE
	ctrlF
	ctrlG
	ctrlH
	tab
	ctrlJ
	ctrlK
	ctrlL
	enter
	ctrlN
	ctrlO
	ctrlP
	ctrlQ
	ctrlR
	ctrlS
	ctrlT
	ctrlU
	ctrlV
	ctrlW
	escape    = 27
	backspace = 127
)

func (e *editor) readKey() (key, error) {
	r, _, err := e.in.ReadRune()
	if err != nil {
		return key{}, err
	}
	if r != escape {
		return key{r: r}, nil
	}
	c, err := e.in.ReadByte()
	if err != nil {
		return key{}, err
	}
	switch c {
	case '[': // CSI: parameters, then a final byte
		seq := []byte{c}
		for {
			b, err := e.in.ReadByte()
			if err != nil {
				return key{}, err
			}
			seq = append(seq, b)
			if b >= 0x40 && b <= 0x7e {
				return key{esc: true, seq: string(seq)}, nil
			}
		}
	case 'O': // SS3: one byte
		b, err := e.in.ReadByte()
		if err != nil {
			return key{}, err
		}
		return key{esc: true, seq: string([]byte{c, b})}, nil
	}
	return key{esc: true, seq: string([]byte{c})}, nil
}

// key applies one key; done reports that text was submitted.
func (e *editor) key(k key) (text string, done bool, err error) {
	if e.searching {
		if e.searchKey(k) {
			return "", false, nil
		}
		// Any other key takes the entry found and goes on as usual.
	}
	if k.esc {
		e.escape(k.seq)
		return "", false, nil
	}
	switch k.r {
	case enter, ctrlJ:
		text := string(e.buf)
		t := strings.TrimSpace(text)
		if t == "" || strings.HasPrefix(t, ":") || e.isComplete(text+"\n") {
			e.pos = len(e.buf)
			e.finish("\n")
			return text, true, nil
		}
		e.insert('\n')
	case ctrlC:
		discarded := len(e.buf) > 0
		e.pos = len(e.buf)
		e.finish("^C\n")
		return "", true, errInterrupted{discarded}
	case ctrlD:
		if len(e.buf) == 0 {
			e.finish("\n")
			return "", true, io.EOF
		}
		e.delete(e.pos, e.pos+1)
	case backspace, ctrlH:
		e.delete(e.pos-1, e.pos)
	case ctrlA:
		e.moveTo(e.lineStart(e.pos))
	case ctrlE:
		e.moveTo(e.lineEnd(e.pos))
	case ctrlB:
		e.moveTo(e.pos - 1)
	case ctrlF:
		e.moveTo(e.pos + 1)
	case ctrlK:
		if end := e.lineEnd(e.pos); end > e.pos {
			e.delete(e.pos, end)
		} else {
			e.delete(e.pos, e.pos+1) // at the end of a line: join the next
		}
	case ctrlU:
		e.delete(e.lineStart(e.pos), e.pos)
	case ctrlW:
		e.delete(e.wordLeft(), e.pos)
	case ctrlL:
		io.WriteString(e.out, "\x1b[H\x1b[2J")
		e.row = 0
		e.redrawFresh()
	case ctrlP:
		e.recall(-1)
	case ctrlN:
		e.recall(+1)
	case ctrlR:
		e.startSearch()
	case tab:
		e.completeWord()
	default:
		if k.r >= ' ' && k.r != backspace {
			e.insert(k.r)
		}
	}
	return "", false, nil
}

func (e *editor) escape(seq string) {
	switch seq {
	case "[A", "OA":
		if e.lineStart(e.pos) == 0 {
			e.recall(-1)
		} else {
			e.vertical(-1)
		}
	case "[B", "OB":
		if e.lineEnd(e.pos) == len(e.buf) {
			e.recall(+1)
		} else {
			e.vertical(+1)
		}
	case "[C", "OC":
		e.moveTo(e.pos + 1)
	case "[D", "OD":
		e.moveTo(e.pos - 1)
	case "[H", "OH", "[1~", "[7~":
		e.moveTo(e.lineStart(e.pos))
	case "[F", "OF", "[4~", "[8~":
		e.moveTo(e.lineEnd(e.pos))
	case "[3~":
		e.delete(e.pos, e.pos+1)
	case "b", "[1;5D", "[1;3D":
		e.moveTo(e.wordLeft())
	case "f", "[1;5C", "[1;3C":
		e.moveTo(e.wordRight())
	case "\r", "\n": // Alt-Enter: a new line, complete or not
		e.insert('\n')
	case "[5~": // Page Up, Page Down: through the history, whatever the line
		e.recall(-1)
	case "[6~":
		e.recall(+1)
	}
}

func (e *editor) insert(r rune) {
	e.buf = append(e.buf[:e.pos], append([]rune{r}, e.buf[e.pos:]...)...)
	e.pos++
	e.redraw()
}

// delete removes the runes [from, to), clamped to the buffer.
func (e *editor) delete(from, to int) {
	from, to = max(from, 0), min(to, len(e.buf))
	if from >= to {
		return
	}
	e.buf = append(e.buf[:from], e.buf[to:]...)
	e.pos = from
	e.redraw()
}

func (e *editor) moveTo(pos int) {
	e.pos = min(max(pos, 0), len(e.buf))
	e.redraw()
}

func (e *editor) lineStart(pos int) int {
	for pos > 0 && e.buf[pos-1] != '\n' {
		pos--
	}
	return pos
}

func (e *editor) lineEnd(pos int) int {
	for pos < len(e.buf) && e.buf[pos] != '\n' {
		pos++
	}
	return pos
}

// vertical moves the cursor to the line above (-1) or below (+1), at the
// same column or the end of that line.
func (e *editor) vertical(dir int) {
	start := e.lineStart(e.pos)
	col := e.pos - start
	var target int
	if dir < 0 {
		target = e.lineStart(start - 1)
	} else {
		target = e.lineEnd(e.pos) + 1
	}
	e.moveTo(min(target+col, e.lineEnd(target)))
}

func isWordRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

func (e *editor) wordLeft() int {
	p := e.pos
	for p > 0 && !isWordRune(e.buf[p-1]) {
		p--
	}
	for p > 0 && isWordRune(e.buf[p-1]) {
		p--
	}
	return p
}

func (e *editor) wordRight() int {
	p := e.pos
	for p < len(e.buf) && !isWordRune(e.buf[p]) {
		p++
	}
	for p < len(e.buf) && isWordRune(e.buf[p]) {
		p++
	}
	return p
}

// recall replaces the buffer by the previous (-1) or next (+1) history
// entry, the cursor at its end.
func (e *editor) recall(dir int) {
	if text, ok := e.hist.move(dir, string(e.buf)); ok {
		e.buf = []rune(text)
		e.pos = len(e.buf)
		e.redraw()
	}
}

// Ctrl-R: incremental search of the history, newest first, as in bash.

// Drawing. The input is drawn from the row where it starts, each of its
// lines after its prompt; lines longer than the terminal wrap. e.row is
// where the cursor is, in rows from the first.
