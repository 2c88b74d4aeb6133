package console

import (
	"fmt"
	"io"
	"sync"
)

// Out is where a context's text goes: its output (what Print writes), its
// batch log (nil: off) and the leaf of Format, the formatter of the values
// it prints. Its methods are safe for concurrent use; each write is made
// whole under one lock, so the lines of concurrent writers do not
// interleave.
type Out struct {
	mu   sync.Mutex
	out  io.Writer
	log  io.Writer
	leaf func(any) string
}

// NewOut returns an Out writing to out, with the batch log log.
func NewOut(out, log io.Writer) *Out { return &Out{out: out, log: log} }

// SetOutput sets the output; nil discards it.
func (o *Out) SetOutput(w io.Writer) {
	if w == nil {
		w = io.Discard
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.out = w
}

// SetLog sets the batch log; nil turns it off.
func (o *Out) SetLog(w io.Writer) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.log = w
}

// SetLeaf sets the formatter of values (nil: Format's default).
func (o *Out) SetLeaf(f func(any) string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.leaf = f
}

// Leaf returns the formatter of values set last.
func (o *Out) Leaf() func(any) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.leaf
}

// Write writes s to the output.
func (o *Out) Write(s string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	io.WriteString(o.out, s)
}

// Log calls write with the batch log, when it is on.
func (o *Out) Log(write func(w io.Writer)) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.log != nil {
		write(o.log)
	}
}

// Logf writes a line to the batch log, when it is on.
func (o *Out) Logf(format string, args ...any) {
	o.Log(func(w io.Writer) { fmt.Fprintf(w, format, args...) })
}

// Reportf writes what the user must be told to the batch log or, when it
// is off, to the output (in the shell and the kernel, the cell that
// started the context).
func (o *Out) Reportf(format string, args ...any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	w := o.log
	if w == nil {
		w = o.out
	}
	if w != nil {
		fmt.Fprintf(w, format, args...)
	}
}
