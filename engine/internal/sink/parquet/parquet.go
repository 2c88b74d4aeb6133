package parquet

import (
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
	"time"

	pq "github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/snappy"

	"github.com/gostream/gostream/engine/internal/num"
)

// PairType is the caller's pair: a struct of Key and Value.
type PairType interface{ ~struct{ Key, Value any } }

// TimeType is the caller's batch time: milliseconds since the epoch.
type TimeType interface{ ~int64 }

// Names is how the caller shows values in errors and string columns.
type Names struct {
	Format   func(any) string // a value as the caller prints it
	TypeName func(any) string // a value's type as users write it
	PairName string           // the pair type's name, as "engine.Pair"
}

// ElementError is an element or value that does not fit the batch's schema.
type ElementError struct{ Msg string }

func (e *ElementError) Error() string { return e.Msg }

// DuplicateColumnError is a struct type with two fields of one column name.
type DuplicateColumnError struct{ Msg string }

func (e *DuplicateColumnError) Error() string { return e.Msg }

func elementErrorf(format string, args ...any) error {
	return &ElementError{fmt.Sprintf(format, args...)}
}

// shape is how elements map to columns.
type shape int

const (
	shapeValue  shape = iota // the element itself: column value
	shapePair                // the pair: key, value
	shapeStruct              // struct fields
)

type column struct {
	name  string
	field int          // struct field index
	kind  kind         // decided by the first non-nil value
	typ   reflect.Type // that value's type, for errors
}

type kind int

const (
	kindString kind = iota // also for values written formatted
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

// Schema is how the elements of one batch map to Parquet columns.
type Schema[P PairType, T TimeType] struct {
	names      Names
	shape      shape
	structType reflect.Type // for shapeStruct
	cols       []column
	schema     *pq.Schema
}

// SchemaOf is NewSchema from the first element of parts; nil, and no
// error, when parts hold no element (a batch that writes no part file).
func SchemaOf[P PairType, T TimeType](parts [][]any, names Names) (*Schema[P, T], error) {
	for _, p := range parts {
		if len(p) > 0 {
			return NewSchema[P, T](p[0], parts, names)
		}
	}
	return nil, nil
}

// NewSchema derives the schema from first, the batch's first element, and
// the types of each column's first non-nil value in parts.
func NewSchema[P PairType, T TimeType](first any, parts [][]any, names Names) (*Schema[P, T], error) {
	ps := &Schema[P, T]{names: names}
	switch x := first.(type) {
	case P:
		ps.shape = shapePair
		ps.cols = []column{{name: "key"}, {name: "value"}}
	default:
		st := structTypeOf(x)
		if st == nil {
			ps.shape = shapeValue
			ps.cols = []column{{name: "value"}}
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
				return nil, &DuplicateColumnError{fmt.Sprintf("struct %s has two fields named %q", st, name)}
			}
			seen[name] = true
			ps.cols = append(ps.cols, column{name: name, field: i})
		}
		if len(ps.cols) == 0 {
			return nil, elementErrorf("struct %s has no exported fields to write as columns", st)
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
				v, err := ps.value(x, i)
				if err != nil {
					return nil, err
				}
				if !isNil(v) {
					ps.cols[i].kind, ps.cols[i].typ = kindOf[T](v), reflect.TypeOf(v)
					decided[i] = true
					left--
				}
			}
		}
	}
	group := pq.Group{}
	for _, c := range ps.cols {
		group[c.name] = pq.Optional(c.kind.node())
	}
	ps.schema = pq.NewSchema("spark_schema", group)
	return ps, nil
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

func kindOf[T TimeType](v any) kind {
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
	case T:
		return kindTimeMS
	case time.Time:
		return kindTimestamp
	}
	return kindFormatted
}

func (k kind) node() pq.Node {
	switch k {
	case kindInt:
		return pq.Int(64)
	case kindUint:
		return pq.Uint(64)
	case kindDouble:
		return pq.Leaf(pq.DoubleType)
	case kindFloat:
		return pq.Leaf(pq.FloatType)
	case kindBool:
		return pq.Leaf(pq.BooleanType)
	case kindBytes:
		return pq.Leaf(pq.ByteArrayType)
	case kindTimeMS:
		return pq.Timestamp(pq.Millisecond)
	case kindTimestamp:
		return pq.Timestamp(pq.Microsecond)
	}
	return pq.String()
}

// value returns column i of element x; an element of another shape than
// the batch's first is an *ElementError.
func (ps *Schema[P, T]) value(x any, i int) (any, error) {
	switch ps.shape {
	case shapePair:
		p, ok := x.(P)
		if !ok {
			return nil, elementErrorf("element of type %s (%s) in a batch of %s elements, written as columns key and value", ps.names.TypeName(x), ps.names.Format(x), ps.names.PairName)
		}
		kv := struct{ Key, Value any }(p)
		if i == 0 {
			return kv.Key, nil
		}
		return kv.Value, nil
	case shapeStruct:
		v := reflect.ValueOf(x)
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return nil, nil
			}
			v = v.Elem()
		}
		if v.Type() != ps.structType {
			return nil, elementErrorf("element of type %s in a batch of %s elements", ps.names.TypeName(x), ps.structType)
		}
		f := v.Field(ps.cols[i].field)
		if f.Kind() == reflect.Interface && f.IsNil() {
			return nil, nil
		}
		return f.Interface(), nil
	}
	return x, nil
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

// Write writes one partition as a Parquet file.
func (ps *Schema[P, T]) Write(w io.Writer, part []any) error {
	pw := pq.NewWriter(w, ps.schema, pq.Compression(&snappy.Codec{}), pq.CreatedBy("gostream", "", ""))
	rows := make([]pq.Row, 0, min(len(part), 1024))
	flush := func() error {
		if _, err := pw.WriteRows(rows); err != nil {
			return err
		}
		rows = rows[:0]
		return nil
	}
	for _, x := range part {
		row := make(pq.Row, len(ps.cols))
		for i := range ps.cols {
			v, err := ps.value(x, i)
			if err != nil {
				return err
			}
			if row[i], err = ps.cell(i, v); err != nil {
				return err
			}
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
func (ps *Schema[P, T]) cell(i int, v any) (pq.Value, error) {
	if isNil(v) {
		return pq.NullValue().Level(0, 0, i), nil
	}
	c := &ps.cols[i]
	var out pq.Value
	ok := true
	switch c.kind {
	case kindString, kindFormatted:
		s, isString := v.(string)
		if !isString {
			s = ps.names.Format(v)
		}
		out = pq.ValueOf(s)
	case kindInt:
		var n int64
		n, ok = num.Signed[T](v)
		out = pq.ValueOf(n)
	case kindUint:
		var n uint64
		n, ok = num.Unsigned(v)
		out = pq.ValueOf(n)
	case kindDouble:
		var f float64
		f, ok = v.(float64)
		out = pq.ValueOf(f)
	case kindFloat:
		var f float32
		f, ok = v.(float32)
		out = pq.ValueOf(f)
	case kindBool:
		var b bool
		b, ok = v.(bool)
		out = pq.ValueOf(b)
	case kindBytes:
		var b []byte
		b, ok = v.([]byte)
		out = pq.ValueOf(b)
	case kindTimeMS:
		var tm T
		tm, ok = v.(T)
		out = pq.ValueOf(int64(tm))
	case kindTimestamp:
		var tm time.Time
		tm, ok = v.(time.Time)
		out = pq.ValueOf(tm.UnixMicro())
	}
	if !ok {
		return pq.Value{}, elementErrorf("column %q holds %s values; got %s (%s)", c.name, c.typ, ps.names.TypeName(v), ps.names.Format(v))
	}
	return out.Level(0, 1, i), nil
}
