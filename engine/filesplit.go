package engine

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
)

// A large file is not read whole into its batch: as Hadoop's input splits
// do for Spark's textFileStream, a text file larger than fileSplitSize
// becomes one partition per fileSplitSize bytes, and each partition reads
// its lines from the file when its task runs, so memory stays bounded by
// what the pipeline keeps (a count keeps nothing, a word count its table),
// whatever the file's size. Which files a batch takes is decided when the
// batch is generated, as before; only the reading moves to the tasks.

// fileSplitSize is the size of the byte ranges a large text file is cut
// into; files up to it are read whole, one partition each, when the batch
// is generated.
var fileSplitSize int64 = 32 << 20

// fileSplit is the lines of path that start in [start, end).
type fileSplit struct {
	path       string
	start, end int64
}

// splitFiles returns the partitions of a batch's text files: a whole file
// read now, or a split of a large file read by its task (splits is nil
// when there is none). The records are the lines, counted now for a large
// file without keeping them.
func (s *fileSource) splitFiles(t Time, files []string) (parts [][]any, splits []*fileSplit, records int, err error) {
	type job struct {
		whole string
		split *fileSplit
	}
	var jobs []job
	var large []string
	for _, f := range files {
		path := filepath.Join(s.dir, f)
		fi, err := os.Stat(path)
		if err != nil {
			return nil, nil, 0, fmt.Errorf("reading %q: %w", path, err)
		}
		size := fi.Size()
		if size <= fileSplitSize {
			jobs = append(jobs, job{whole: path})
			continue
		}
		large = append(large, path)
		for off := int64(0); off < size; off += fileSplitSize {
			jobs = append(jobs, job{split: &fileSplit{path: path, start: off, end: min(off+fileSplitSize, size)}})
		}
	}
	parts = make([][]any, len(jobs))
	splits = make([]*fileSplit, len(jobs))
	errs := make([]error, len(jobs))
	var wholes []int
	for i, j := range jobs {
		if j.split != nil {
			splits[i] = j.split
		} else {
			wholes = append(wholes, i)
		}
	}
	if len(large) == 0 {
		splits = nil
	}
	s.ssc.ex.run(s.op, t, len(wholes), func(k int) {
		i := wholes[k]
		parts[i], errs[i] = readLines(jobs[i].whole)
		if errs[i] != nil {
			errs[i] = fmt.Errorf("reading %q: %w", jobs[i].whole, errs[i])
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, nil, 0, err
	}
	for i := range parts {
		records += len(parts[i])
	}
	for _, path := range large {
		n, err := countLines(path)
		if err != nil {
			return nil, nil, 0, fmt.Errorf("reading %q: %w", path, err)
		}
		records += n
	}
	return parts, splits, records, nil
}

// splitRDD returns the RDD of a batch's text files: partition i is parts[i]
// when splits[i] is nil, else the lines of splits[i], read as the task runs.
func (s *fileSource) splitRDD(t Time, parts [][]any, splits []*fileSplit) *RDD {
	if splits == nil {
		return materialized(s.ssc.ex, s.op, parts)
	}
	each := func(p int, emit func(string)) {
		sp := splits[p]
		if err := sp.each(emit); err != nil {
			e := &Error{Op: s.op, Time: t, Msg: fmt.Sprintf("reading %q (bytes %d-%d): %v", sp.path, sp.start, sp.end, err), Err: err}
			panic(taskFailure{e})
		}
	}
	r := newRDD(s.ssc.ex, s.op, len(parts), nil, func(p int, emit func(any)) {
		if splits[p] == nil {
			for _, x := range parts[p] {
				emit(x)
			}
			return
		}
		each(p, func(line string) { emit(line) })
	})
	r.strs = func(p int, emit func(string)) {
		if splits[p] == nil {
			for _, x := range parts[p] {
				emit(x.(string))
			}
			return
		}
		each(p, emit)
	}
	return r
}

// each calls emit with every line that starts in the split, as readLines
// cuts them: without "\n" or "\r\n", invalid UTF-8 replaced. A line that
// starts in the split and runs past its end is read to its end; a line
// that started before the split belongs to the split before.
func (sp *fileSplit) each(emit func(string)) error {
	f, err := os.Open(sp.path)
	if err != nil {
		return err
	}
	defer f.Close()
	pos := sp.start
	if pos > 0 {
		pos-- // the byte before the split tells whether a line starts at its first byte
	}
	br := bufio.NewReaderSize(io.NewSectionReader(f, pos, math.MaxInt64-pos), 64<<10)
	if sp.start > 0 {
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
	for pos < sp.end { // a line starts at pos
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
				emit(lineString(bytes.TrimSuffix(body, []byte{'\r'})))
			case err == bufio.ErrBufferFull:
				line = append(line, chunk...)
				continue
			case err == io.EOF:
				if line = append(line, chunk...); len(line) > 0 {
					emit(lineString(line))
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

// countLines counts the lines readLines would return for path, reading it
// in blocks.
func countLines(path string) (int, error) {
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
