package engine

import (
	"bufio"
	"strconv"

	"github.com/gostream/gostream/engine/internal/cluster"
	"github.com/gostream/gostream/engine/internal/sink/dir"
)

// successFile marks a complete output directory, as Hadoop's committer does.
const successFile = dir.SuccessFile

// OutputPath returns the directory SaveAsTextFiles and SaveAsObjectFiles
// write for batch t: "prefix-TIME_IN_MS", or "prefix-TIME_IN_MS.suffix".
func OutputPath(prefix, suffix string, t Time) string {
	name := prefix + "-" + strconv.FormatInt(int64(t), 10)
	if suffix != "" {
		name += "." + suffix
	}
	return name
}

// SaveAsTextFiles writes every RDD to the directory prefix-TIME_IN_MS[.suffix]:
// one file part-00000, part-00001, ... per partition holding one element a
// line, formatted as Print shows it, and an empty _SUCCESS. The directory
// is written beside its final name, synced, then renamed into place, so a
// reader sees a complete directory or none; writing the same batch again
// (a batch re-run after recovery) replaces it with the same content.
func (d *DStream) SaveAsTextFiles(prefix, suffix string) {
	const op = "SaveAsTextFiles"
	checkPrefix(op, prefix)
	d.addOutput(op, func(r *RDD, t Time) {
		leaf := d.ssc.out.Leaf()
		saveRDD(op, r, t, OutputPath(prefix, suffix, t), func(w *bufio.Writer, part []any) error {
			return dir.WriteLines(w, part, func(x any) string { return FormatWith(x, leaf) })
		})
	})
}

// SaveAsObjectFiles writes every RDD like SaveAsTextFiles, but each part file
// holds its partition's elements in the element codec (see
// docs/storage-format.md); ReadObjectFiles and ObjectFileStream read them
// back with their Go types. An element of a type the codec cannot encode
// fails the batch with an error naming the type.
func (d *DStream) SaveAsObjectFiles(prefix, suffix string) {
	const op = "SaveAsObjectFiles"
	checkPrefix(op, prefix)
	d.addOutput(op, func(r *RDD, t Time) {
		saveRDD(op, r, t, OutputPath(prefix, suffix, t), func(w *bufio.Writer, part []any) error {
			return encodeElems(w, part)
		})
	})
}

func checkPrefix(op, prefix string) {
	if prefix == "" {
		buildErrorf(op, "want a path prefix, got an empty string")
	}
}

// saveRDD writes r's partitions with write, one file per partition, into
// dir atomically.
func saveRDD(op string, r *RDD, t Time, dir string, write func(*bufio.Writer, []any) error) {
	saveRDDFiles(op, r, t, dir, "", write)
}

// saveRDDFiles is saveRDD with ext ending the part files' names; the
// directory is written atomically (engine/internal/sink/dir).
func saveRDDFiles(op string, r *RDD, t Time, path, ext string, write func(*bufio.Writer, []any) error) {
	run := func(n int, task func(int)) {
		r.ready()
		r.ex.run(op, t, n, task)
	}
	part := func(p int, w *bufio.Writer) error { return write(w, r.partition(p)) }
	var err error
	if cm := r.ex.cluster; cm != nil {
		// A member of a cluster job writes its own partitions' part files.
		err = cluster.WriteParts(path, r.n, ext, cm.Owns, run, part)
	} else {
		err = dir.Write(path, r.n, ext, run, part)
	}
	if err != nil {
		panic(taskFailure{errorOf(op, t, err)})
	}
}

// ReadObjectFiles reads back the elements that SaveAsObjectFiles wrote to
// one directory (prefix-TIME_IN_MS[.suffix]), partition by partition, with
// their Go types. A directory without _SUCCESS is incomplete and an error.
func ReadObjectFiles(path string) ([]any, error) {
	parts, err := readObjectParts(path)
	if err != nil {
		return nil, err
	}
	out := []any{}
	for _, p := range parts {
		out = append(out, p...)
	}
	return out, nil
}

// readObjectParts reads the part files of an object files directory.
func readObjectParts(path string) ([][]any, error) {
	parts, err := dir.ReadParts(path, decodeAllElems)
	if err != nil {
		return nil, errorOf("ReadObjectFiles", 0, err)
	}
	return parts, nil
}
