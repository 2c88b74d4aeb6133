package engine

import (
	"errors"
	"fmt"

	"github.com/gostream/gostream/engine/internal/source/file"
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

// splitFiles returns the partitions of a batch's text files: a whole file
// read now, or a split of a large file read by its task (splits is nil
// when there is none). The records are the lines, counted now for a large
// file without keeping them.
func (s *fileSource) splitFiles(t Time, files []string) (parts [][]any, splits []*file.Split, records int, err error) {
	plan, large, err := file.Plan(s.dir, files, fileSplitSize)
	if err != nil {
		return nil, nil, 0, err
	}
	parts = make([][]any, len(plan))
	splits = make([]*file.Split, len(plan))
	errs := make([]error, len(plan))
	var wholes []int
	for i, j := range plan {
		if j.Split != nil {
			splits[i] = j.Split
		} else {
			wholes = append(wholes, i)
		}
	}
	if len(large) == 0 {
		splits = nil
	}
	s.ssc.ex.run(s.op, t, len(wholes), func(k int) {
		i := wholes[k]
		parts[i], errs[i] = file.ReadLines(plan[i].Whole)
		if errs[i] != nil {
			errs[i] = fmt.Errorf("reading %q: %w", plan[i].Whole, errs[i])
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, nil, 0, err
	}
	for i := range parts {
		records += len(parts[i])
	}
	for _, path := range large {
		n, err := file.CountLines(path)
		if err != nil {
			return nil, nil, 0, fmt.Errorf("reading %q: %w", path, err)
		}
		records += n
	}
	return parts, splits, records, nil
}

// splitRDD returns the RDD of a batch's text files: partition i is parts[i]
// when splits[i] is nil, else the lines of splits[i], read as the task runs.
func (s *fileSource) splitRDD(t Time, parts [][]any, splits []*file.Split) *RDD {
	if splits == nil {
		return materialized(s.ssc.ex, s.op, parts)
	}
	each := func(p int, emit func(string)) {
		sp := splits[p]
		if err := sp.Each(emit); err != nil {
			e := &Error{Op: s.op, Time: t, Msg: fmt.Sprintf("reading %q (bytes %d-%d): %v", sp.Path, sp.Start, sp.End, err), Err: err}
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
