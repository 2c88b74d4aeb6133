package engine

import (
	"fmt"
	"io"

	"github.com/gostream/gostream/engine/internal/source/file"
	"github.com/gostream/gostream/engine/internal/source/socket"
)

// FileOption is an optional parameter of the file streams (TextFileStream,
// ObjectFileStream, BinaryRecordsStream): FileFilter, NewFilesOnly.
type FileOption func(*fileOptions)

type fileOptions = file.Config

// FileFilter makes a file stream take only the files whose name (the base
// name, within the directory) keep returns true for, as the filter of
// Spark's fileStream; names the stream always ignores (".", "_" and
// temporary files) stay ignored.
func FileFilter(keep func(name string) bool) FileOption {
	return func(o *fileOptions) { o.Accept = keep }
}

// NewFilesOnly(false) makes a file stream's first batch also take the files
// already in the directory when the context starts, as Spark's
// fileStream(dir, filter, newFilesOnly = false); as in Spark, only files
// modified within the stream's remember window (a minute, rounded up to
// whole batches) before the batch. NewFilesOnly(true) is the default.
func NewFilesOnly(newOnly bool) FileOption {
	return func(o *fileOptions) { o.OldFiles = !newOnly }
}

// BinaryRecordsStream(dir, recordLength, opts...) returns a stream of the
// new files in dir (by TextFileStream's rules) cut into records of
// recordLength bytes, each a []byte; one partition per file. A file whose
// size is not a multiple of recordLength fails the batch, naming the file.
// Spark's binaryRecordsStream.
func (ssc *StreamingContext) BinaryRecordsStream(dir string, recordLength int, opts ...FileOption) *DStream {
	const op = "BinaryRecordsStream"
	if dir == "" {
		buildErrorf(op, "want a directory, got an empty path")
	}
	if recordLength <= 0 {
		buildErrorf(op, "want a positive record length, got %d", recordLength)
	}
	read := func(path string) ([]any, error) { return file.ReadRecords(path, recordLength) }
	return ssc.fileStream(op, dir, false, append(opts, func(o *fileOptions) { o.Records = read })...)
}

// SocketStream(host, port, converter, opts...) returns a stream of what
// converter makes of the bytes of a TCP connection to host:port, as Spark's
// socketStream: converter is a func(r io.Reader, store func(x any) error)
// error that reads r and stores each record; it returns when r ends (nil or
// io.EOF) or on an error, which the stream reports before reconnecting, as
// SocketTextStream does. The receiver options apply.
func (ssc *StreamingContext) SocketStream(host string, port int, converter func(r io.Reader, store func(x any) error) error, opts ...ReceiverOption) *DStream {
	const op = "SocketStream"
	if converter == nil {
		buildErrorf(op, "want a converter func(io.Reader, func(any) error) error, got nil")
	}
	addr, ok := socket.Addr(host, port)
	if !ok {
		buildErrorf(op, "want a port in 0..65535, got %d", port)
	}
	cfg := receiverOptions(op, opts)
	name := fmt.Sprintf("%s(%s)", op, addr)
	r := &socket.Converter{Addr: addr, Convert: converter, Store: func(err error) error { return storeErr(name, err) }}
	return ssc.receiverStreamOf(name, r.OnStart, r.OnStop, cfg)
}
