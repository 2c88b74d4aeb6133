package socket

import (
	"bufio"
	"io"

	"github.com/gostream/gostream/engine/internal/source/file"
)

// ScanLines calls emit with every line of rd, without its "\n" or "\r\n".
// A line longer than maxLine bytes is not kept: tooLong is called with the
// bytes read of it and the rest of the line is skipped, so memory stays
// bounded by maxLine plus the read buffer. A last line without "\n" is
// emitted at EOF. idle, when not nil, is called each time ScanLines has used
// up what rd delivered and is about to wait for more. ScanLines returns nil
// at EOF, or the error of rd, emit or idle.
func ScanLines(rd io.Reader, maxLine int, emit func(string) error, tooLong func(length int), idle func() error) error {
	br := bufio.NewReaderSize(rd, 64<<10)
	var line []byte
	skipping := false
	length := 0
	for {
		chunk, err := br.ReadSlice('\n')
		complete := err == nil
		if len(chunk) > 0 {
			length += len(chunk)
			if !skipping {
				body := chunk
				if complete {
					body = chunk[:len(chunk)-1]
				}
				if len(line)+len(body) > maxLine+1 { // +1: a '\r' may follow
					skipping = true
					line = line[:0]
				} else {
					line = append(line, body...)
				}
			}
		}
		if complete || (err == io.EOF && (len(line) > 0 || skipping)) {
			if !skipping {
				if l := len(line); complete && l > 0 && line[l-1] == '\r' {
					line = line[:l-1]
				}
				if len(line) > maxLine {
					skipping = true
				}
			}
			if skipping {
				tooLong(length)
			} else if e := emit(file.LineString(line)); e != nil {
				return e
			}
			line, skipping, length = line[:0], false, 0
		}
		if idle != nil && br.Buffered() == 0 {
			if e := idle(); e != nil {
				return e
			}
		}
		switch {
		case err == nil || err == bufio.ErrBufferFull:
		case err == io.EOF:
			return nil
		default:
			return err
		}
	}
}
