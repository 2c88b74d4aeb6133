package display

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// Data is one output in several renderings, keyed by MIME type. Every Data
// the package makes has "text/plain".
type Data map[string]any

// Sink shows outputs. A front end installs one with SetSink.
type Sink interface {
	// Display shows a new output. A non-empty id names it for Update.
	Display(d Data, id string)
	// Update replaces the output shown under id.
	Update(d Data, id string)
	// Clear clears the current cell's output; with wait, only when the
	// next output arrives.
	Clear(wait bool)
	// Input asks the user for one line (without its newline).
	Input(prompt string, password bool) (string, error)
}

var (
	sinkMu sync.RWMutex
	// current starts as a TextSink on the process's standard files, looked
	// up at every output: a session that redirects os.Stdout gets the
	// outputs where its other output goes.
	current Sink = &TextSink{}
)

// SetSink installs s as where outputs go and returns a func restoring the
// previous sink.
func SetSink(s Sink) (restore func()) {
	sinkMu.Lock()
	defer sinkMu.Unlock()
	prev := current
	current = s
	return func() {
		sinkMu.Lock()
		defer sinkMu.Unlock()
		current = prev
	}
}

func sink() Sink {
	sinkMu.RLock()
	defer sinkMu.RUnlock()
	return current
}

// Show displays d.
func Show(d Data) { sink().Display(d, "") }

// HTML displays an HTML fragment.
func HTML(html string) {
	Show(Data{"text/html": html, "text/plain": plainFromHTML(html)})
}

// Markdown displays Markdown text.
func Markdown(md string) { Show(Data{"text/markdown": md, "text/plain": md}) }

// Text displays plain text.
func Text(s string) { Show(Data{"text/plain": s}) }

// SVG displays an SVG image.
func SVG(svg string) { Show(Data{"image/svg+xml": svg, "text/plain": "[SVG image]"}) }

// Clear clears the cell's output; with wait, when the next output arrives
// (for output that redraws itself without flicker).
func Clear(wait bool) { sink().Clear(wait) }

// Input shows prompt and returns the line the user types. In a notebook it
// asks through the front end (an error when the front end does not allow
// input).
func Input(prompt string) (string, error) { return sink().Input(prompt, false) }

// Password is Input with the typed text hidden where the front end can.
func Password(prompt string) (string, error) { return sink().Input(prompt, true) }

// Handle is an output that can be replaced in place.
type Handle struct {
	id string
}

// NewHandle displays d as a new updatable output.
func NewHandle(d Data) *Handle {
	h := &Handle{id: newID()}
	sink().Display(d, h.id)
	return h
}

// ID returns the output's display id.
func (h *Handle) ID() string { return h.id }

// Update replaces the output with d.
func (h *Handle) Update(d Data) { sink().Update(d, h.id) }

func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// plainFromHTML is the text/plain fallback of an HTML fragment: the text
// between its tags.
func plainFromHTML(html string) string {
	var b strings.Builder
	in := false
	for _, r := range html {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(unescape(b.String()))
}

func unescape(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'", "&amp;", "&").Replace(s)
}

// TextSink is the default sink: it prints every output's text/plain to w
// (updates print again) and reads input lines from r.
type TextSink struct {
	mu sync.Mutex
	w  io.Writer // nil: os.Stdout at the time of each output
	in io.Reader // nil: os.Stdin
	r  *bufio.Reader
}

// NewTextSink returns a sink printing to w and reading input from r.
func NewTextSink(w io.Writer, r io.Reader) *TextSink {
	return &TextSink{w: w, in: r}
}

func (s *TextSink) out() io.Writer {
	if s.w != nil {
		return s.w
	}
	return os.Stdout
}

func (s *TextSink) print(d Data) {
	text, _ := d["text/plain"].(string)
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	io.WriteString(s.out(), text)
}

// Display prints d's text/plain.
func (s *TextSink) Display(d Data, id string) { s.print(d) }

// Update prints d's text/plain again.
func (s *TextSink) Update(d Data, id string) { s.print(d) }

// Clear does nothing: printed text stays.
func (s *TextSink) Clear(wait bool) {}

// Input prints prompt and reads a line.
func (s *TextSink) Input(prompt string, password bool) (string, error) {
	s.mu.Lock()
	io.WriteString(s.out(), prompt)
	if s.r == nil {
		in := s.in
		if in == nil {
			in = os.Stdin
		}
		s.r = bufio.NewReader(in)
	}
	r := s.r
	s.mu.Unlock()
	line, err := r.ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", fmt.Errorf("display: input: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
