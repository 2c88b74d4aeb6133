// Package parquet writes the partitions of a batch as Parquet files, for
// SaveAsParquetFiles and SaveAsParquetFile; the engine owns the output
// directory (temporary name, _SUCCESS, rename into place) and this package
// the bytes of each part file.
//
// The contract:
//   - NewSchema derives one schema for the whole batch from its first
//     element (SchemaOf finds it, and gives no schema for a batch without
//     elements): the caller's pair type (P) gives the columns key and value; a
//     struct, or a pointer to one, its exported fields, named by a
//     `parquet:"name"` tag or the field's name ("-" skips a field); any
//     other element one column, value. Columns are ordered by name and are
//     optional, so nil (and a nil slice, map or pointer) is null.
//   - A column's type is that of its first non-nil value in the batch: ints
//     (INT64), uints (UINT64), float64 (DOUBLE), float32 (FLOAT), bool,
//     string, []byte, the caller's time type T (TIMESTAMP in ms) and
//     time.Time (TIMESTAMP in µs); any other value is written as a string,
//     formatted by the caller's Format.
//   - Write writes one partition as one snappy-compressed file. An element
//     of another shape than the batch's first, or a value whose type differs
//     from its column's, is an *ElementError naming the column and both
//     types; a struct with two fields of one column name is a
//     *DuplicateColumnError. Other errors are the writer's own.
package parquet
