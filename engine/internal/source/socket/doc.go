// Package socket is the reading side of SocketTextStream: the lines of a
// connection, in bounded memory, and the receiver that stores them.
//
// The contract: ScanLines calls emit with every line, without its "\n" or
// "\r\n" and with invalid UTF-8 replaced (file.LineString, so a socket and
// a file cut the same text into the same lines); a line longer than the
// maximum is skipped, reported by its length, and never held whole; idle,
// when given, runs each time the reader has used up what the connection
// delivered, so the caller can hand over what it has before waiting. Errors
// are the reader's or the caller's own, returned as they are.
//
// Receiver runs on an engine/internal/source/receiver Context: it connects,
// stores the lines it reads in chunks (whenever the connection has nothing
// more buffered, at most StoreChunk lines or a second of the rate limit),
// reports every failure with ReportError and reconnects after a delay that
// doubles up to MaxReconnectDelay, restarting from Delay after a
// connection that delivered lines, until the context is closed. The error
// of a line too long is the caller's (TooLong).
//
// Converter is SocketStream's receiver: one connection per start, handed
// to the caller's Convert; when Convert returns, errs or panics, the
// receiver restarts through Context.Restart, naming what ended. The
// errors Convert's store returns are the caller's (Store).
//
// Addr is a socket stream's host:port, refusing a port out of range; the
// error's text is the caller's.
package socket
