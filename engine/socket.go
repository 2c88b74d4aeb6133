package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/gostream/gostream/engine/internal/source/file"
	"github.com/gostream/gostream/engine/internal/source/socket"
)

// SocketTextStream returns a stream of the lines of text read from a TCP
// server at host:port, as Spark's socketTextStream. The receiver connects
// when the context starts and reconnects, with a growing delay, whenever
// the server refuses or goes away; each failure is reported (see
// ReceiverErrorListener) and the stream keeps running. Lines are UTF-8
// (invalid bytes become U+FFFD) without their "\n" or "\r\n". A line longer
// than MaxLineLength (default 1 MiB) is reported and skipped.
func (ssc *StreamingContext) SocketTextStream(host string, port int, opts ...ReceiverOption) *DStream {
	const op = "SocketTextStream"
	if port < 0 || port > 65535 {
		buildErrorf(op, "port %d is out of range 0-65535", port)
	}
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	cfg := receiverOptions(op, opts)
	r := &socketReceiver{addr: addr, maxLine: cfg.maxLine, delay: cfg.restartDelay}
	return ssc.receiverStream(fmt.Sprintf("%s(%s)", op, addr), r, cfg)
}

// socketReceiver is the built-in receiver behind SocketTextStream.
type socketReceiver struct {
	addr    string
	maxLine int
	delay   time.Duration

	mu   sync.Mutex
	conn net.Conn
	wg   sync.WaitGroup
}

const maxReconnectDelay = 2 * time.Second

func (r *socketReceiver) OnStart(ctx *ReceiverContext) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		r.run(ctx)
	}()
}

func (r *socketReceiver) OnStop() {
	r.mu.Lock()
	if r.conn != nil {
		r.conn.Close() // unblocks a read in progress
	}
	r.mu.Unlock()
	r.wg.Wait()
}

// run connects, reads until the connection ends, and reconnects, until ctx
// is done.
func (r *socketReceiver) run(ctx *ReceiverContext) {
	delay := r.delay
	for !ctx.IsStopped() {
		conn, err := dial(ctx, r.addr)
		if err != nil {
			ctx.ReportError(fmt.Sprintf("connecting to %s (retrying in %v)", r.addr, delay), err)
		} else {
			if !r.setConn(ctx, conn) {
				conn.Close()
				return
			}
			lines, err := r.readLines(ctx, conn)
			r.setConn(ctx, nil)
			conn.Close()
			if ctx.IsStopped() {
				return
			}
			if lines > 0 {
				delay = r.delay // the connection worked: start backing off afresh
			}
			if err == nil {
				err = io.EOF
			}
			ctx.ReportError(fmt.Sprintf("connection to %s ended after %d lines (reconnecting in %v)", r.addr, lines, delay), err)
		}
		timer := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		delay = min(2*delay, max(maxReconnectDelay, r.delay))
	}
}

// dial connects to addr, giving up when ctx is stopped.
func dial(ctx *ReceiverContext, addr string) (net.Conn, error) {
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

func (r *socketReceiver) setConn(ctx *ReceiverContext, c net.Conn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c != nil && ctx.IsStopped() {
		return false
	}
	r.conn = c
	return true
}

// storeChunk is the most lines readLines hands to StoreAll at once.
const storeChunk = 1024

// readLines stores the lines read from c until it ends; it returns how many
// lines it stored and the error that ended the connection (nil at EOF).
// Lines are stored in chunks, whenever the connection has nothing more
// buffered (or a chunk is full), so a write-ahead log syncs once per chunk
// rather than once per line, and no line waits for more input to arrive.
func (r *socketReceiver) readLines(ctx *ReceiverContext, c io.Reader) (int, error) {
	n := 0
	var pending []any
	// flush stores what is pending as fast as the rate limit lets it: the
	// lines it may store now go in at once, the rest wait for tokens.
	flush := func() error {
		defer func() { pending = pending[:0] }()
		for i := 0; i < len(pending); {
			k, err := ctx.src.limiter.TakeSome(len(pending)-i, ctx.done)
			if err != nil {
				return stoppedErr(err)
			}
			if err := ctx.src.put(ctx, append([]any(nil), pending[i:i+k]...), nil); err != nil {
				return err
			}
			n += k
			i += k
		}
		return nil
	}
	err := socket.ScanLines(c, r.maxLine, func(line string) error {
		pending = append(pending, line)
		// A chunk holds at most a second's worth of a rate-limited receiver,
		// so the limit still spreads the lines over batches as it would one
		// by one.
		if len(pending) >= ctx.src.limiter.Chunk(storeChunk) {
			return flush()
		}
		return nil
	}, func(length int) {
		ctx.ReportError(fmt.Sprintf("line from %s is longer than the maximum of %d bytes (MaxLineLength); skipped it", r.addr, r.maxLine),
			&LineTooLongError{Addr: r.addr, Max: r.maxLine, Length: length})
	}, flush)
	if ferr := flush(); err == nil {
		err = ferr
	}
	if errors.Is(err, ErrReceiverStopped) {
		return n, nil
	}
	return n, err
}

// LineTooLongError is reported when a socket line exceeds MaxLineLength.
type LineTooLongError struct {
	Addr   string
	Max    int
	Length int // the bytes read of the line when it was skipped (at least Max+1)
}

func (e *LineTooLongError) Error() string {
	return fmt.Sprintf("engine: line from %s longer than %d bytes", e.Addr, e.Max)
}

// scanLines is socket.ScanLines without idle.
func scanLines(rd io.Reader, maxLine int, emit func(string) error, tooLong func(length int)) error {
	return socket.ScanLines(rd, maxLine, emit, tooLong, nil)
}

func lineString(b []byte) string { return file.LineString(b) }
