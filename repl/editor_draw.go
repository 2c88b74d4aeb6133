package repl

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"
)

// completeWord inserts what all completions of the word before the cursor
// share, or lists them when they share nothing more.
func (e *editor) completeWord() {
	if e.complete == nil {
		return
	}
	cands, length := e.complete(e.buf, e.pos)
	if len(cands) == 0 {
		io.WriteString(e.out, "\a")
		return
	}
	common := cands[0]
	for _, c := range cands[1:] {
		n := 0
		for n < len(common) && n < len(c) && common[n] == c[n] {
			n++
		}
		common = common[:n]
	}
	if len(common) > 0 {
		for _, r := range common {
			e.buf = append(e.buf[:e.pos], append([]rune{r}, e.buf[e.pos:]...)...)
			e.pos++
		}
		e.redraw()
		return
	}
	prefix := string(e.buf[e.pos-length : e.pos])
	names := make([]string, len(cands))
	for i, c := range cands {
		names[i] = prefix + string(c)
	}
	sort.Strings(names)
	var b strings.Builder
	e.clear(&b)
	e.drawAll(&b)
	b.WriteString("\n")
	b.WriteString(listColumns(names, e.cols))
	e.row = 0
	e.draw(&b)
	io.WriteString(e.out, b.String())
}

// listColumns lays names out in columns across width, down then across,
// as bash lists completions.
func listColumns(names []string, width int) string {
	w := 0
	for _, n := range names {
		w = max(w, displayWidth([]rune(n)))
	}
	w += 2
	per := max(1, width/w)
	rows := (len(names) + per - 1) / per
	var b strings.Builder
	for r := 0; r < rows; r++ {
		for c := 0; c < per; c++ {
			i := c*rows + r
			if i >= len(names) {
				break
			}
			b.WriteString(names[i])
			if (c+1)*rows+r < len(names) {
				b.WriteString(strings.Repeat(" ", w-displayWidth([]rune(names[i]))))
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func (e *editor) startSearch() {
	e.searching, e.query, e.found, e.failed = true, nil, -1, false
	e.saved = append([]rune(nil), e.buf...)
	e.redraw()
}

// searchKey applies a key during a search; false means the key ends the
// search, the entry found staying in the buffer, and is to be applied to
// it as usual.
func (e *editor) searchKey(k key) bool {
	if k.esc {
		e.searching = false
		return false
	}
	switch {
	case k.r == ctrlR: // the next older entry
		from := len(e.hist.entries) - 1
		if e.found >= 0 {
			from = e.found - 1
		}
		e.search(from)
	case k.r == backspace || k.r == ctrlH:
		if len(e.query) > 0 {
			e.query = e.query[:len(e.query)-1]
			e.found = -1
			e.search(len(e.hist.entries) - 1)
		}
	case k.r == ctrlG: // cancelled: the input as it was
		e.searching = false
		e.buf, e.pos = e.saved, len(e.saved)
		e.redraw()
	case k.r >= ' ':
		e.query = append(e.query, k.r)
		from := len(e.hist.entries) - 1
		if e.found >= 0 {
			from = e.found
		}
		e.search(from)
	default:
		e.searching = false
		return false
	}
	return true
}

// search shows the newest entry from index from down that holds the
// query, the cursor at the match.
func (e *editor) search(from int) {
	q := string(e.query)
	for i := min(from, len(e.hist.entries)-1); i >= 0; i-- {
		if j := strings.Index(e.hist.entries[i], q); j >= 0 {
			e.found, e.failed = i, false
			e.buf = []rune(e.hist.entries[i])
			e.pos = utf8.RuneCountInString(e.hist.entries[i][:j])
			e.hist.at = i
			e.redraw()
			return
		}
	}
	e.failed = true
	e.redraw()
}

func (e *editor) searchPrompt() string {
	failed := ""
	if e.failed {
		failed = "failed "
	}
	return fmt.Sprintf("(%sreverse-i-search)`%s': ", failed, string(e.query))
}

// redraw draws the input again in place.
func (e *editor) redraw() {
	var b strings.Builder
	e.clear(&b)
	e.draw(&b)
	io.WriteString(e.out, b.String())
}

// redrawFresh draws the input from the cursor's row.
func (e *editor) redrawFresh() {
	var b strings.Builder
	e.row = 0
	e.draw(&b)
	io.WriteString(e.out, b.String())
}

// clear moves to the first row of the input and erases it.
func (e *editor) clear(b *strings.Builder) {
	e.cols = e.columns()
	if e.row > 0 {
		fmt.Fprintf(b, "\x1b[%dA", e.row)
	}
	b.WriteString("\r\x1b[J")
	e.row = 0
}

// draw writes the input from the start of the current row, the cursor
// then put at e.pos.
func (e *editor) draw(b *strings.Builder) {
	end := e.drawAll(b)
	// The cursor is at the end of the input, row end; go to pos.
	row, col := e.cursorCell(e.pos)
	if end > row {
		fmt.Fprintf(b, "\x1b[%dA", end-row)
	}
	b.WriteString("\r")
	if col > 0 {
		fmt.Fprintf(b, "\x1b[%dC", col)
	}
	e.row = row
}

// drawAll writes every line of the input with its prompt and returns the
// row the cursor is on after the last.
func (e *editor) drawAll(b *strings.Builder) int {
	row := 0
	for i, line := range e.lines() {
		if i > 0 {
			b.WriteString("\n")
			row++
		}
		p := e.linePrompt(i)
		b.WriteString(p)
		b.WriteString(printable(line))
		n := displayWidth([]rune(p)) + displayWidth(line)
		row += n / e.cols
		if n > 0 && n%e.cols == 0 {
			b.WriteString("\r\n") // leave the pending wrap: the cursor goes below
		}
	}
	return row
}

func (e *editor) lines() [][]rune {
	var lines [][]rune
	start := 0
	for i, r := range e.buf {
		if r == '\n' {
			lines = append(lines, e.buf[start:i])
			start = i + 1
		}
	}
	return append(lines, e.buf[start:])
}

func (e *editor) linePrompt(i int) string {
	if i == 0 {
		if e.searching {
			return e.searchPrompt()
		}
		return e.prompt
	}
	return e.cont
}

// cursorCell is the row and column of the rune index pos.
func (e *editor) cursorCell(pos int) (row, col int) {
	n := 0 // runes of the lines before
	for i, line := range e.lines() {
		w := displayWidth([]rune(e.linePrompt(i)))
		if pos <= n+len(line) {
			w += displayWidth(line[:pos-n])
			return row + w/e.cols, w % e.cols
		}
		row += (w+displayWidth(line))/e.cols + 1
		n += len(line) + 1
	}
	return row, 0
}

// finish puts the cursor after the input, writes s ("\n", "^C\n") and
// leaves the input as it is on the screen.
func (e *editor) finish(s string) {
	e.restore()
	var b strings.Builder
	e.clear(&b)
	e.searching = false
	e.drawAll(&b)
	b.WriteString(s)
	io.WriteString(e.out, b.String())
	e.row = 0
	e.active = false
}

// printable is how a line is shown: a tab as spaces, other control
// characters as ^X.
func printable(line []rune) string {
	var b strings.Builder
	for _, r := range line {
		switch {
		case r == '\t':
			b.WriteString("    ")
		case r < ' ' || r == backspace:
			b.WriteString("^" + string(rune(r^0x40)))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func displayWidth(line []rune) int {
	w := 0
	for _, r := range line {
		switch {
		case r == '\t':
			w += 4
		case r < ' ' || r == backspace:
			w += 2
		case isWide(r):
			w += 2
		default:
			w++
		}
	}
	return w
}

// isWide reports runes that terminals show two columns wide (CJK, most
// emoji).
func isWide(r rune) bool {
	return r >= 0x1100 && (r <= 0x115f || r == 0x2329 || r == 0x232a ||
		(r >= 0x2e80 && r <= 0xa4cf && r != 0x303f) || (r >= 0xac00 && r <= 0xd7a3) ||
		(r >= 0xf900 && r <= 0xfaff) || (r >= 0xfe30 && r <= 0xfe6f) || (r >= 0xff00 && r <= 0xff60) ||
		(r >= 0xffe0 && r <= 0xffe6) || (r >= 0x1f300 && r <= 0x1f64f) || (r >= 0x1f900 && r <= 0x1f9ff) ||
		(r >= 0x20000 && r <= 0x3fffd))
}
