package socket

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"sync"

	"github.com/gostream/gostream/engine/internal/source/receiver"
)

// Converter is the receiver of SocketStream: it connects to Addr once per
// start and hands the connection to Convert, which stores the records it
// makes of the bytes. When Convert returns (or panics), the receiver
// restarts: a clean end of the connection (nil or io.EOF) is reported as
// the connection closed, anything else as a failure of the conversion.
type Converter struct {
	Addr    string
	Convert func(r io.Reader, store func(x any) error) error
	// Store turns the context's store error into the caller's; nil keeps
	// it as it is.
	Store func(err error) error

	mu   sync.Mutex
	conn net.Conn
}

// OnStart connects and converts in the background.
func (r *Converter) OnStart(ctx *receiver.Context) {
	store := ctx.Store
	if wrap := r.Store; wrap != nil {
		store = func(x any) error { return wrap(ctx.Store(x)) }
	}
	go func() {
		c, err := net.Dial("tcp", r.Addr)
		if err != nil {
			ctx.Restart("connecting to "+r.Addr, err)
			return
		}
		r.mu.Lock()
		r.conn = c
		r.mu.Unlock()
		defer c.Close()
		err = func() (err error) {
			defer func() {
				if rec := recover(); rec != nil {
					err = fmt.Errorf("converter panicked: %v", rec)
				}
			}()
			return r.Convert(bufio.NewReader(c), store)
		}()
		if ctx.Closed() {
			return
		}
		if err != nil && err != io.EOF {
			ctx.Restart("converting the data from "+r.Addr, err)
			return
		}
		ctx.Restart("connection to "+r.Addr+" closed", nil)
	}()
}

// OnStop closes the connection, so a read in progress returns.
func (r *Converter) OnStop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.conn != nil {
		r.conn.Close()
		r.conn = nil
	}
}
