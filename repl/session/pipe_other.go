//go:build !linux

package session

import "syscall"

// read reads from the pipe into buf.
func (p *pipeCopy) read(buf []byte) (int, error) {
	n, err := p.r.Read(buf)
	p.held.Add(int64(n))
	return n, err
}

// bufferedBytes cannot tell how many bytes wait in a pipe here: every
// check of pending syncs.
func bufferedBytes(syscall.RawConn) (int, bool) { return 0, false }

// pendingPipes reports which of the capture's pipes may hold text not yet
// delivered.
func (c *stdioCapture) pendingPipes() (out, err bool) { return c.out.pending(), c.err.pending() }
