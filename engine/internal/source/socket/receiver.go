package socket

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/gostream/gostream/engine/internal/source/receiver"
)

// Receiver is the receiver of a text socket: it connects to Addr, stores
// the lines it reads, and reconnects, with a growing delay, whenever the
// server refuses or goes away.
type Receiver struct {
	Addr    string
	MaxLine int           // the longest line, in bytes
	Delay   time.Duration // the first reconnection delay
	// TooLong is the error reported for a line over MaxLine, length being
	// the bytes read of it when it was skipped.
	TooLong func(length int) error

	mu   sync.Mutex
	conn net.Conn
	wg   sync.WaitGroup
}

// MaxReconnectDelay is where the reconnection delay stops growing, unless
// Delay is longer.
const MaxReconnectDelay = 2 * time.Second

// StoreChunk is the most lines one store holds.
const StoreChunk = 1024

// OnStart starts reading; the receiver runs until ctx is closed.
func (r *Receiver) OnStart(ctx *receiver.Context) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		r.run(ctx)
	}()
}

// OnStop closes the connection and waits for the reading to end.
func (r *Receiver) OnStop() {
	r.mu.Lock()
	if r.conn != nil {
		r.conn.Close() // unblocks a read in progress
	}
	r.mu.Unlock()
	r.wg.Wait()
}

// run connects, reads until the connection ends, and reconnects, until ctx
// is done.
func (r *Receiver) run(ctx *receiver.Context) {
	delay := r.Delay
	for !ctx.Closed() {
		conn, err := dial(ctx, r.Addr)
		if err != nil {
			ctx.ReportError(fmt.Sprintf("connecting to %s (retrying in %v)", r.Addr, delay), err)
		} else {
			if !r.setConn(ctx, conn) {
				conn.Close()
				return
			}
			lines, err := r.readLines(ctx, conn)
			r.setConn(ctx, nil)
			conn.Close()
			if ctx.Closed() {
				return
			}
			if lines > 0 {
				delay = r.Delay // the connection worked: start backing off afresh
			}
			if err == nil {
				err = io.EOF
			}
			ctx.ReportError(fmt.Sprintf("connection to %s ended after %d lines (reconnecting in %v)", r.Addr, lines, delay), err)
		}
		timer := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		delay = min(2*delay, max(MaxReconnectDelay, r.Delay))
	}
}

// dial connects to addr, giving up when ctx is closed.
func dial(ctx *receiver.Context, addr string) (net.Conn, error) {
	dctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go func() {
		select {
		case <-ctx.Done():
			cancel()
		case <-dctx.Done():
		}
	}()
	var d net.Dialer
	return d.DialContext(dctx, "tcp", addr)
}

func (r *Receiver) setConn(ctx *receiver.Context, c net.Conn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c != nil && ctx.Closed() {
		return false
	}
	r.conn = c
	return true
}

// readLines stores the lines read from c until it ends; it returns how many
// lines it stored and the error that ended the connection (nil at EOF).
// Lines are stored in chunks, whenever the connection has nothing more
// buffered (or a chunk is full), so a write-ahead log syncs once per chunk
// rather than once per line, and no line waits for more input to arrive.
func (r *Receiver) readLines(ctx *receiver.Context, c io.Reader) (int, error) {
	n := 0
	var pending []any
	// flush stores what is pending as fast as the rate limit lets it: the
	// lines it may store now go in at once, the rest wait for tokens.
	flush := func() error {
		defer func() { pending = pending[:0] }()
		for i := 0; i < len(pending); {
			k, err := ctx.StoreSome(pending[i:])
			if err != nil {
				return err
			}
			n += k
			i += k
		}
		return nil
	}
	err := ScanLines(c, r.MaxLine, func(line string) error {
		pending = append(pending, line)
		// A chunk holds at most a second's worth of a rate-limited receiver,
		// so the limit still spreads the lines over batches as it would one
		// by one.
		if len(pending) >= ctx.Chunk(StoreChunk) {
			return flush()
		}
		return nil
	}, func(length int) {
		ctx.ReportError(fmt.Sprintf("line from %s is longer than the maximum of %d bytes (MaxLineLength); skipped it", r.Addr, r.MaxLine),
			r.TooLong(length))
	}, flush)
	if ferr := flush(); err == nil {
		err = ferr
	}
	if errors.Is(err, receiver.ErrStopped) {
		return n, nil
	}
	return n, err
}
