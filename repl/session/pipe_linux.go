package session

import (
	"io"
	"syscall"
	"unsafe"
)

// read reads from the pipe into buf. The bytes read are counted in held
// under readMu, in the same step as they leave the pipe, so pending never
// misses them.
func (p *pipeCopy) read(buf []byte) (int, error) {
	rc := p.rc
	if rc == nil {
		return p.readPlain(buf)
	}
	var n int
	var rerr error
	err := rc.Read(func(fd uintptr) bool {
		p.readMu.Lock()
		defer p.readMu.Unlock()
		for {
			n, rerr = syscall.Read(int(fd), buf)
			if rerr != syscall.EINTR {
				break
			}
		}
		if rerr == syscall.EAGAIN {
			return false // wait until the pipe is readable
		}
		if n > 0 {
			p.held.Add(int64(n))
		}
		return true
	})
	switch {
	case err != nil:
		return 0, err
	case rerr != nil:
		return 0, rerr
	case n <= 0:
		return 0, io.EOF
	}
	return n, nil
}

func (p *pipeCopy) readPlain(buf []byte) (int, error) {
	n, err := p.r.Read(buf)
	p.held.Add(int64(n))
	return n, err
}

// bufferedBytes returns how many bytes wait in the pipe read by f.
func bufferedBytes(rc syscall.RawConn) (int, bool) {
	if rc == nil {
		return 0, false
	}
	var n int32
	var errno syscall.Errno
	if err := rc.Control(func(fd uintptr) {
		_, _, errno = syscall.RawSyscall(syscall.SYS_IOCTL, fd, syscall.TIOCINQ, uintptr(unsafe.Pointer(&n)))
	}); err != nil || errno != 0 {
		return 0, false
	}
	return int(n), true
}

// pendingPipes reports which of the capture's pipes hold text not yet
// delivered, asking the kernel about both at once (a system call costs
// about a microsecond, and this runs before every fmt.Print* of
// interpreted code).
func (c *stdioCapture) pendingPipes() (out, err bool) {
	c.out.readMu.Lock()
	defer c.out.readMu.Unlock()
	c.err.readMu.Lock()
	defer c.err.readMu.Unlock()
	out, err = c.out.held.Load() > 0, c.err.held.Load() > 0
	if out && err {
		return true, true
	}
	ro, re := c.out.rc, c.err.rc
	if ro == nil || re == nil {
		return true, true
	}
	type pollFd struct {
		fd      int32
		events  int16
		revents int16
	}
	const pollIn = 0x1
	polled := false
	ro.Control(func(ofd uintptr) {
		re.Control(func(efd uintptr) {
			fds := [2]pollFd{{fd: int32(ofd), events: pollIn}, {fd: int32(efd), events: pollIn}}
			var zero syscall.Timespec
			_, _, errno := syscall.RawSyscall6(syscall.SYS_PPOLL, uintptr(unsafe.Pointer(&fds[0])), 2,
				uintptr(unsafe.Pointer(&zero)), 0, 0, 0)
			if errno == 0 {
				polled = true
				out = out || fds[0].revents != 0
				err = err || fds[1].revents != 0
			}
		})
	})
	if !polled {
		return true, true
	}
	return out, err
}
