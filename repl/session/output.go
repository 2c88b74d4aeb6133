package session

import (
	"bytes"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
)

// switchWriter forwards to a writer that can be replaced while other
// goroutines write through it.
type switchWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *switchWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	w := s.w
	s.mu.Unlock()
	if w == nil {
		return len(p), nil
	}
	return w.Write(p)
}

func (s *switchWriter) set(w io.Writer) {
	s.mu.Lock()
	s.w = w
	s.mu.Unlock()
}

func (s *switchWriter) get() io.Writer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w
}

var panicLineRE = regexp.MustCompile(`^(?:\S+:)?\d+:\d+: panic: `)

// traceWriter is the interpreter's stderr. The interpreter writes one
// "line:col: panic: func(...)" line per frame a panic unwinds; those lines
// are kept as the traceback of the current input. Anything else goes to the
// session's stderr.
type traceWriter struct {
	mu    sync.Mutex
	buf   []byte
	trace []string
	next  *switchWriter
	file  string // the file being run (RunFile), or "" for inputs
}

func (t *traceWriter) setFile(name string) {
	t.mu.Lock()
	t.file = name
	t.mu.Unlock()
}

func (t *traceWriter) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	for {
		i := bytes.IndexByte(t.buf, '\n')
		if i < 0 {
			break
		}
		line := string(t.buf[:i])
		t.buf = t.buf[i+1:]
		if panicLineRE.MatchString(line) {
			if t.file != "" {
				// A whole file: positions are the file's own.
				t.trace = append(t.trace, t.file+":"+strings.TrimPrefix(line, "_.go:"))
			} else {
				t.trace = append(t.trace, userPositions(line))
			}
			continue
		}
		t.next.Write([]byte(line + "\n"))
	}
	return len(p), nil
}

func (t *traceWriter) take() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	tr := t.trace
	t.trace = nil
	return tr
}

// stdioCapture replaces the process's os.Stdout and os.Stderr by pipes
// whose contents are copied to a session's writers, so that compiled code
// writing to standard output (and interpreted code writing to os.Stdout,
// whose value the interpreter keeps once read) reaches the session. Only one
// capture can be active in a process.
type stdioCapture struct {
	oldOut, oldErr *os.File
	out, err       *pipeCopy
}

var (
	captureMu sync.Mutex
	capturing bool
)

// captureStdio starts a capture to stdout and stderr; it returns nil when
// another capture is active or the pipes cannot be made.
func captureStdio(stdout, stderr io.Writer) *stdioCapture {
	captureMu.Lock()
	defer captureMu.Unlock()
	if capturing {
		return nil
	}
	o, err := newPipeCopy(stdout)
	if err != nil {
		return nil
	}
	e, err := newPipeCopy(stderr)
	if err != nil {
		o.close()
		return nil
	}
	// Standard error follows what was written to standard output before it
	// (fmt.Fprintln(os.Stdout, ...) then os.Stderr): its copier delivers
	// the output pipe's pending text first. Not the other way round, so
	// that the copiers never wait for each other; the order of two writes
	// to the pipes by compiled code can still be lost (see drain for the
	// interpreter's writes, which keep their order).
	e.before = func() {
		if o.pending() {
			o.sync()
		}
	}
	c := &stdioCapture{oldOut: os.Stdout, oldErr: os.Stderr, out: o, err: e}
	os.Stdout, os.Stderr = o.w, e.w
	capturing = true
	return c
}

// sync returns once everything written to the pipes so far has reached
// the writers.
func (c *stdioCapture) sync() {
	if c == nil {
		return
	}
	c.out.sync()
	c.err.sync()
}

// drain is sync when a pipe holds output not yet delivered, and nothing
// otherwise: it is called before every write that bypasses the pipes (the
// interpreter's fmt.Print*, println, log), so that output reaches the
// writers in the order it was written, whichever path it took.
func (c *stdioCapture) drain() {
	if c == nil {
		return
	}
	out, err := c.pendingPipes()
	if out {
		c.out.sync()
	}
	if err {
		c.err.sync()
	}
}

// orderedWriter is the interpreter's own standard output or error: before
// each write, output still in the capture's pipes is delivered.
type orderedWriter struct {
	w     io.Writer
	drain func()
}

func (o orderedWriter) Write(p []byte) (int, error) {
	o.drain()
	return o.w.Write(p)
}

// restore puts the process's files back.
func (c *stdioCapture) restore() {
	if c == nil {
		return
	}
	captureMu.Lock()
	defer captureMu.Unlock()
	os.Stdout, os.Stderr = c.oldOut, c.oldErr
	c.out.close()
	c.err.close()
	capturing = false
}

// syncMark is written to a pipe to learn when the copier has passed
// everything written before it. It cannot occur in text output.
const syncMark = "\x00\x1egostream-sync\x1e\x00"

type pipeCopy struct {
	w      *os.File
	r      *os.File
	mu     sync.Mutex
	synced chan struct{} // receives once per mark copied
	done   chan struct{}

	// before, when set, runs before each delivery of text.
	before func()

	// readMu is held while text moves from the pipe to held, so that
	// pending sees it in one place or the other.
	readMu sync.Mutex
	held   atomic.Int64 // bytes read from the pipe and not yet delivered

	rc syscall.RawConn // of r
}

func newPipeCopy(to io.Writer) (*pipeCopy, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	p := &pipeCopy{w: w, r: r, synced: make(chan struct{}, 1), done: make(chan struct{})}
	p.rc, _ = r.SyscallConn() // nil where the platform has none
	go p.copy(to)
	return p, nil
}

// pending reports whether text written to the pipe has not yet been
// delivered (true when that cannot be told).
func (p *pipeCopy) pending() bool {
	p.readMu.Lock()
	defer p.readMu.Unlock()
	if p.held.Load() > 0 {
		return true
	}
	n, ok := bufferedBytes(p.rc)
	return !ok || n > 0
}

func (p *pipeCopy) copy(to io.Writer) {
	defer close(p.done)
	deliver := func(b []byte) {
		if p.before != nil {
			p.before()
		}
		to.Write(b)
	}
	buf := make([]byte, 32*1024)
	var pending []byte
	for {
		n, err := p.read(buf)
		pending = append(pending, buf[:n]...)
		for {
			i := bytes.Index(pending, []byte(syncMark))
			if i < 0 {
				break
			}
			if i > 0 {
				deliver(pending[:i])
			}
			pending = pending[i+len(syncMark):]
			p.held.Add(-int64(i + len(syncMark)))
			p.synced <- struct{}{}
		}
		// Keep a tail that may be the start of a mark split across reads.
		keep := 0
		for k := len(syncMark) - 1; k > 0; k-- {
			if bytes.HasSuffix(pending, []byte(syncMark[:k])) {
				keep = k
				break
			}
		}
		if len(pending) > keep {
			deliver(pending[:len(pending)-keep])
			p.held.Add(-int64(len(pending) - keep))
			pending = append(pending[:0], pending[len(pending)-keep:]...)
		}
		if err != nil {
			if len(pending) > 0 {
				deliver(pending)
				p.held.Add(-int64(len(pending)))
			}
			return
		}
	}
}

func (p *pipeCopy) sync() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, err := p.w.WriteString(syncMark); err != nil {
		return
	}
	select {
	case <-p.synced:
	case <-p.done:
	}
}

func (p *pipeCopy) close() {
	p.w.Close()
	<-p.done
	p.r.Close()
}
