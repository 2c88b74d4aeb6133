package engine

import (
	"bufio"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/snappy"
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
	var first any
	found := false
	for _, p := range parts {
		if len(p) > 0 {
			first, found = p[0], true
			break
		}
	}
	if !found {
		parts = nil // an empty batch: no schema, no part files
	}
	var ps *parquetSchema
	if found {
		ps = parquetSchemaOf(op, first, parts)
	}
	saveRDDFiles(op, materialized(r.ex, op, parts), t, dir, ".parquet", func(w *bufio.Writer, part []any) error {
		return ps.write(op, w, part)
	})
}

// parquetShape is how elements map to columns.
type parquetShape int

const (
	shapeValue  parquetShape = iota // the element itself: column value
	shapePair                       // Pair: key, value
	shapeStruct                     // struct fields
)

type parquetColumn struct {
	name  string
	field int          // struct field index
	kind  parquetKind  // decided by the first non-nil value
	typ   reflect.Type // that value's type, for errors
}

type parquetKind int

const (
	kindString parquetKind = iota // also for values written formatted
	kindInt
	kindUint
	kindDouble
	kindFloat
	kindBool
	kindBytes
	kindTimeMS
	kindTimestamp
	kindFormatted
)

type parquetSchema struct {
	shape      parquetShape
	structType reflect.Type // for shapeStruct
	cols       []parquetColumn
	schema     *parquet.Schema
}

// parquetSchemaOf derives the schema from first, the batch's first element,
// and the types of each column's first non-nil value in parts.
func parquetSchemaOf(op string, first any, parts [][]any) *parquetSchema {
	ps := &parquetSchema{}
	switch x := first.(type) {
	case Pair:
		ps.shape = shapePair
		ps.cols = []parquetColumn{{name: "key"}, {name: "value"}}
	default:
		st := structTypeOf(x)
		if st == nil {
			ps.shape = shapeValue
			ps.cols = []parquetColumn{{name: "value"}}
			break
		}
		ps.shape, ps.structType = shapeStruct, st
		seen := map[string]bool{}
		for i := 0; i < st.NumField(); i++ {
			f := st.Field(i)
			if !f.IsExported() {
				continue
			}
			name := f.Name
			if tag, ok := f.Tag.Lookup("parquet"); ok {
				if n, _, _ := strings.Cut(tag, ","); n == "-" {
					continue
				} else if n != "" {
					name = n
				}
			}
			if seen[name] {
				buildErrorf(op, "struct %s has two fields named %q", st, name)
			}
			seen[name] = true
			ps.cols = append(ps.cols, parquetColumn{name: name, field: i})
		}
		if len(ps.cols) == 0 {
			panic(taskFailure{&Error{Op: op, Msg: fmt.Sprintf("struct %s has no exported fields to write as columns", st)}})
		}
	}
	// The column order of a Parquet group is by name.
	sort.SliceStable(ps.cols, func(i, j int) bool { return ps.cols[i].name < ps.cols[j].name })
	decided := make([]bool, len(ps.cols))
	left := len(ps.cols)
	for _, p := range parts {
		for _, x := range p {
			if left == 0 {
				break
			}
			for i := range ps.cols {
				if decided[i] {
					continue
				}
				if v := ps.value(op, x, i); !isNil(v) {
					ps.cols[i].kind, ps.cols[i].typ = kindOf(v), reflect.TypeOf(v)
					decided[i] = true
					left--
				}
			}
		}
	}
	group := parquet.Group{}
	for _, c := range ps.cols {
		group[c.name] = parquet.Optional(c.kind.node())
	}
	ps.schema = parquet.NewSchema("spark_schema", group)
	return ps
}

// structTypeOf returns the struct type of x or of what x points to, or nil.
func structTypeOf(x any) reflect.Type {
	t := reflect.TypeOf(x)
	if t == nil {
		return nil
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == reflect.TypeOf(time.Time{}) {
		return nil
	}
	return t
}

func kindOf(v any) parquetKind {
	switch v.(type) {
	case string:
		return kindString
	case int, int8, int16, int32, int64:
		return kindInt
	case uint, uint8, uint16, uint32, uint64:
		return kindUint
	case float64:
		return kindDouble
	case float32:
		return kindFloat
	case bool:
		return kindBool
	case []byte:
		return kindBytes
	case Time:
		return kindTimeMS
	case time.Time:
		return kindTimestamp
	}
	return kindFormatted
}

func (k parquetKind) node() parquet.Node {
	switch k {
	case kindInt:
		return parquet.Int(64)
	case kindUint:
		return parquet.Uint(64)
	case kindDouble:
		return parquet.Leaf(parquet.DoubleType)
	case kindFloat:
		return parquet.Leaf(parquet.FloatType)
	case kindBool:
		return parquet.Leaf(parquet.BooleanType)
	case kindBytes:
		return parquet.Leaf(parquet.ByteArrayType)
	case kindTimeMS:
		return parquet.Timestamp(parquet.Millisecond)
	case kindTimestamp:
		return parquet.Timestamp(parquet.Microsecond)
	}
	return parquet.String()
}

// value returns column i of element x, failing the batch when x has another
// shape than the batch's first element.
func (ps *parquetSchema) value(op string, x any, i int) any {
	switch ps.shape {
	case shapePair:
		p, ok := x.(Pair)
		if !ok {
			failParquet(op, "element of type %s (%s) in a batch of engine.Pair elements, written as columns key and value", typeName(x), Format(x))
		}
		if i == 0 {
			return p.Key
		}
		return p.Value
	case shapeStruct:
		v := reflect.ValueOf(x)
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return nil
			}
			v = v.Elem()
		}
		if v.Type() != ps.structType {
			failParquet(op, "element of type %s in a batch of %s elements", typeName(x), ps.structType)
		}
		return resultValue(v.Field(ps.cols[i].field))
	}
	return x
}

// isNil reports whether v is nil or a nil slice, map or pointer: a null.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Slice, reflect.Map, reflect.Pointer:
		return rv.IsNil()
	}
	return false
}

func failParquet(op, format string, args ...any) {
	panic(taskFailure{&Error{Op: op, Msg: fmt.Sprintf(format, args...)}})
}

// write writes one partition as a Parquet file.
func (ps *parquetSchema) write(op string, w *bufio.Writer, part []any) error {
	pw := parquet.NewWriter(w, ps.schema, parquet.Compression(&snappy.Codec{}), parquet.CreatedBy("gostream", "", ""))
	rows := make([]parquet.Row, 0, min(len(part), 1024))
	flush := func() error {
		if _, err := pw.WriteRows(rows); err != nil {
			return err
		}
		rows = rows[:0]
		return nil
	}
	for _, x := range part {
		row := make(parquet.Row, len(ps.cols))
		for i := range ps.cols {
			row[i] = ps.cell(op, i, ps.value(op, x, i))
		}
		rows = append(rows, row)
		if len(rows) == cap(rows) {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	return pw.Close()
}

// cell converts v to the Parquet value of column i.
func (ps *parquetSchema) cell(op string, i int, v any) parquet.Value {
	if isNil(v) {
		return parquet.NullValue().Level(0, 0, i)
	}
	c := &ps.cols[i]
	var out parquet.Value
	mismatch := func() {
		failParquet(op, "column %q holds %s values; got %s (%s)", c.name, c.typ, typeName(v), Format(v))
	}
	switch c.kind {
	case kindString, kindFormatted:
		s, ok := v.(string)
		if !ok {
			s = Format(v)
		}
		out = parquet.ValueOf(s)
	case kindInt:
		n, ok := signedOf(v)
		if !ok {
			mismatch()
		}
		out = parquet.ValueOf(n)
	case kindUint:
		n, ok := unsignedOf(v)
		if !ok {
			mismatch()
		}
		out = parquet.ValueOf(n)
	case kindDouble:
		f, ok := v.(float64)
		if !ok {
			mismatch()
		}
		out = parquet.ValueOf(f)
	case kindFloat:
		f, ok := v.(float32)
		if !ok {
			mismatch()
		}
		out = parquet.ValueOf(f)
	case kindBool:
		b, ok := v.(bool)
		if !ok {
			mismatch()
		}
		out = parquet.ValueOf(b)
	case kindBytes:
		b, ok := v.([]byte)
		if !ok {
			mismatch()
		}
		out = parquet.ValueOf(b)
	case kindTimeMS:
		tm, ok := v.(Time)
		if !ok {
			mismatch()
		}
		out = parquet.ValueOf(int64(tm))
	case kindTimestamp:
		tm, ok := v.(time.Time)
		if !ok {
			mismatch()
		}
		out = parquet.ValueOf(tm.UnixMicro())
	}
	return out.Level(0, 1, i)
}
