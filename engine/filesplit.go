package engine

import "github.com/gostream/gostream/engine/internal/source/file"

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

// batchRDD returns the RDD of a batch's files: partition i is b.Parts[i],
// or the lines of b.Splits[i], read as the task runs (file.Batch's Each).
func (s *fileSource) batchRDD(t Time, b file.Batch) *RDD {
	if b.Splits == nil {
		return materialized(s.ssc.ex, s.op, b.Parts)
	}
	r := newRDD(s.ssc.ex, s.op, len(b.Parts), nil, func(p int, emit func(any)) {
		if err := b.Each(p, emit); err != nil {
			panic(taskFailure{s.readError(t, err)})
		}
	})
	r.d.Strs = func(p int, emit func(string)) {
		if err := b.EachString(p, emit); err != nil {
			panic(taskFailure{s.readError(t, err)})
		}
	}
	return r
}
