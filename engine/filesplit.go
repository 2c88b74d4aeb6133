package engine

import (
	"fmt"

	"github.com/gostream/gostream/engine/internal/source/file"
)

// A large file is not read whole into its batch: as Hadoop's input splits
// do for Spark's textFileStream, a text file larger than fileSplitSize
// becomes one partition per fileSplitSize bytes, and each partition reads
// its lines from the file when its task runs, so memory stays bounded by
// what the pipeline keeps (a count keeps nothing, a word count its table),
// whatever the file's size. Which files a batch takes is decided when the
// batch is generated, as before; only the reading moves to the tasks
// (file.ReadText plans it).

// fileSplitSize is the size of the byte ranges a large text file is cut
// into; files up to it are read whole, one partition each, when the batch
// is generated.
var fileSplitSize int64 = 32 << 20

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
	r.d.Strs = func(p int, emit func(string)) {
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
