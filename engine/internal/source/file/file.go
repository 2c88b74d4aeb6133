package file

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"unicode/utf8"
)

// Split is the lines of Path that start in [Start, End).
type Split struct {
	Path       string
	Start, End int64
}

// Part is one partition of a batch's files: a whole file (Whole, its path)
// or a split of a large one.
type Part struct {
	Whole string
	Split *Split
}

// Plan returns the partitions of files (names in dir): a file of up to
// splitSize bytes is one partition, read whole; a larger one is one split
// per splitSize bytes. large lists the files that were cut.
func Plan(dir string, files []string, splitSize int64) (parts []Part, large []string, err error) {
	for _, f := range files {
		path := filepath.Join(dir, f)
		fi, err := os.Stat(path)
		if err != nil {
			return nil, nil, fmt.Errorf("reading %q: %w", path, err)
		}
		size := fi.Size()
		if size <= splitSize {
			parts = append(parts, Part{Whole: path})
			continue
		}
		large = append(large, path)
		for off := int64(0); off < size; off += splitSize {
			parts = append(parts, Part{Split: &Split{Path: path, Start: off, End: min(off+splitSize, size)}})
		}
	}
	return parts, large, nil
}

// ReadLines reads a text file as lines, strings in an []any.
func ReadLines(path string) ([]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []any
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		var line []byte
		if i < 0 {
			line, data = data, nil
		} else {
			line, data = data[:i], data[i+1:]
			line = bytes.TrimSuffix(line, []byte{'\r'})
		}
		out = append(out, LineString(line))
	}
	return out, nil
}

// LineString is a line's bytes as a string, invalid UTF-8 replaced.
func LineString(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return string([]rune(string(b)))
}

// Each calls emit with every line that starts in the split, as ReadLines
// cuts them: without "\n" or "\r\n", invalid UTF-8 replaced. A line that
// starts in the split and runs past its end is read to its end; a line
// that started before the split belongs to the split before.
func (sp *Split) Each(emit func(string)) error {
	f, err := os.Open(sp.Path)
	if err != nil {
		return err
	}
	defer f.Close()
	pos := sp.Start
	if pos > 0 {
		pos-- // the byte before the split tells whether a line starts at its first byte
	}
	br := bufio.NewReaderSize(io.NewSectionReader(f, pos, math.MaxInt64-pos), 64<<10)
	if sp.Start > 0 {
		for {
			chunk, err := br.ReadSlice('\n')
			pos += int64(len(chunk))
			if err == nil {
				break
			}
			if err == io.EOF {
				return nil
			}
			if err != bufio.ErrBufferFull {
				return err
			}
		}
	}
	var line []byte
	for pos < sp.End { // a line starts at pos
		line = line[:0]
		for {
			chunk, err := br.ReadSlice('\n')
			pos += int64(len(chunk))
			switch {
			case err == nil:
				body := chunk[:len(chunk)-1]
				if len(line) > 0 {
					line = append(line, body...)
					body = line
				}
				emit(LineString(bytes.TrimSuffix(body, []byte{'\r'})))
			case err == bufio.ErrBufferFull:
				line = append(line, chunk...)
				continue
			case err == io.EOF:
				if line = append(line, chunk...); len(line) > 0 {
					emit(LineString(line))
				}
				return nil
			default:
				return err
			}
			break
		}
	}
	return nil
}

// CountLines counts the lines ReadLines would return for path, reading it
// in blocks.
func CountLines(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	buf := make([]byte, 256<<10)
	n, last := 0, byte('\n')
	for {
		k, err := f.Read(buf)
		if k > 0 {
			n += bytes.Count(buf[:k], []byte{'\n'})
			last = buf[k-1]
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	if last != '\n' {
		n++
	}
	return n, nil
}

// ReadRecords reads a file as records of n bytes each, []byte values that
// do not share capacity. A file whose size is not a multiple of n is an
// error.
func ReadRecords(path string, n int) ([]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(data)%n != 0 {
		return nil, fmt.Errorf("%d bytes are not a whole number of %d-byte records", len(data), n)
	}
	out := make([]any, 0, len(data)/n)
	for i := 0; i < len(data); i += n {
		out = append(out, data[i:i+n:i+n])
	}
	return out, nil
}
