package engine

import (
	"bufio"
	"errors"

	parquetsink "github.com/gostream/gostream/engine/internal/sink/parquet"
)

// SaveAsParquetFiles(prefix, suffix) writes every RDD as Parquet, the
// format the Hadoop world reads today (Spark, DuckDB, pandas), in place of
// Spark's saveAsHadoopFiles: the directory prefix-TIME_IN_MS[.suffix]
// holds part-00000.parquet, part-00001.parquet, ... (one per partition,
// snappy-compressed) and an empty _SUCCESS, written beside its final name
// and renamed into place, so a reader sees a complete directory or none; a
// batch written again (re-run after recovery) replaces it with the same
// content. The schema comes from the elements: a Pair gives the columns key
// and value; a struct (or pointer to one) its exported fields, named by a
// `parquet:"name"` tag or the field's name; any other element one column,
// value. Columns are optional, so nil (and a nil slice, map or pointer) is null; a column's type is that of its
// first non-nil value: ints (INT64), uints (UINT64), float64 (DOUBLE),
// float32 (FLOAT), bool, string, []byte, engine.Time (TIMESTAMP in ms) and
// time.Time (TIMESTAMP in µs); Pairs, slices, maps and other values are
// written as strings, formatted as Print shows them. A batch with no
// elements writes only _SUCCESS. An element of another shape than the
// batch's first, or a value whose type differs from its column's, fails the
// batch with an error naming the column and both types.
func (d *DStream) SaveAsParquetFiles(prefix, suffix string) {
	const op = "SaveAsParquetFiles"
	checkPrefix(op, prefix)
	d.addOutput(op, func(r *RDD, t Time) {
		saveParquet(op, r, t, OutputPath(prefix, suffix, t))
	})
}

// SaveAsParquetFile(path) writes the RDD as Parquet into the directory path,
// as SaveAsParquetFiles writes a batch.
func (r *RDD) SaveAsParquetFile(path string) {
	const op = "SaveAsParquetFile"
	checkPrefix(op, path)
	saveParquet(op, r, r.time, path)
}

func saveParquet(op string, r *RDD, t Time, dir string) {
	parts := r.Partitions()
	ps, err := parquetsink.SchemaOf[Pair, Time](parts, parquetNames)
	failParquet(op, err)
	if ps == nil {
		parts = nil // an empty batch: no schema, no part files
	}
	saveRDDFiles(op, materialized(r.ex, op, parts), t, dir, ".parquet", func(w *bufio.Writer, part []any) error {
		err := ps.Write(w, part)
		failParquet(op, err)
		return err // the writer's own, wrapped by saveRDDFiles
	})
}

// parquetNames is how Parquet errors and string columns show values.
var parquetNames = parquetsink.Names{Format: Format, TypeName: typeName, PairName: "engine.Pair"}

// failParquet fails the batch when err is a user's mistake (an element
// that does not fit the schema, a struct that cannot be one), with an
// error naming the operation; it returns for other errors and nil.
func failParquet(op string, err error) {
	var dup *parquetsink.DuplicateColumnError
	var elem *parquetsink.ElementError
	switch {
	case errors.As(err, &dup):
		buildErrorf(op, "%s", dup.Msg)
	case errors.As(err, &elem):
		panic(taskFailure{&Error{Op: op, Msg: elem.Msg}})
	}
}
