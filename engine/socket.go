package engine

import (
	"fmt"

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
	addr, ok := socket.Addr(host, port)
	if !ok {
		buildErrorf(op, "port %d is out of range 0-65535", port)
	}
	cfg := receiverOptions(op, opts)
	r := &socket.Receiver{Addr: addr, MaxLine: cfg.MaxLine, Delay: cfg.RestartDelay, TooLong: func(length int) error {
		return &LineTooLongError{Addr: addr, Max: cfg.MaxLine, Length: length}
	}}
	return ssc.receiverStreamOf(fmt.Sprintf("%s(%s)", op, addr), r.OnStart, r.OnStop, cfg)
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
