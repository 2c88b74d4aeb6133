package parquet

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	pq "github.com/parquet-go/parquet-go"
)

// The caller's own pair and time types, as the engine has them.
type pair struct{ Key, Value any }
type ms int64

var names = Names{Format: func(v any) string { return fmt.Sprint(v) }, TypeName: func(v any) string { return fmt.Sprintf("%T", v) }, PairName: "pair"}

func write(t *testing.T, parts ...[]any) (*Schema[pair, ms], []byte) {
	t.Helper()
	s, err := NewSchema[pair, ms](parts[0][0], parts, names)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := s.Write(&b, parts[0]); err != nil {
		t.Fatal(err)
	}
	return s, b.Bytes()
}

func columns(t *testing.T, b []byte) string {
	t.Helper()
	f, err := pq.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return f.Schema().String()
}

func TestSchemaFromTheCallersTypes(t *testing.T) {
	_, b := write(t, []any{pair{"a", nil}, pair{"b", ms(1500)}})
	got := columns(t, b)
	for _, want := range []string{"optional binary key (STRING);", "optional int64 value (TIMESTAMP(isAdjustedToUTC=true,unit=MILLIS));"} {
		if !bytes.Contains([]byte(got), []byte(want)) {
			t.Errorf("schema %s lacks %s", got, want)
		}
	}
	type reading struct {
		At   time.Time
		Name string `parquet:"sensor"`
		Skip int    `parquet:"-"`
	}
	_, b = write(t, []any{&reading{Name: "s1"}, reading{At: time.UnixMilli(5)}})
	got = columns(t, b)
	for _, want := range []string{"optional int64 At (TIMESTAMP(isAdjustedToUTC=true,unit=MICROS));", "optional binary sensor (STRING);"} {
		if !bytes.Contains([]byte(got), []byte(want)) {
			t.Errorf("schema %s lacks %s", got, want)
		}
	}
}

func TestElementsThatDoNotFit(t *testing.T) {
	type twice struct {
		A int `parquet:"x"`
		B int `parquet:"x"`
	}
	_, err := NewSchema[pair, ms](twice{}, [][]any{{twice{}}}, names)
	var dup *DuplicateColumnError
	if !errors.As(err, &dup) || err.Error() != `struct parquet.twice has two fields named "x"` {
		t.Errorf("two fields of one name: %v", err)
	}
	for _, tc := range []struct {
		elems []any
		want  string
	}{
		{[]any{pair{"k", 1}, 7}, "element of type int (7) in a batch of pair elements, written as columns key and value"},
		{[]any{pair{"k", 1}, pair{"k", "one"}}, `column "value" holds int values; got string (one)`},
		{[]any{ms(1), 2}, `column "value" holds parquet.ms values; got int (2)`},
	} {
		s, err := NewSchema[pair, ms](tc.elems[0], [][]any{tc.elems[:1]}, names)
		if err != nil {
			t.Fatal(err)
		}
		err = s.Write(&bytes.Buffer{}, tc.elems)
		var elem *ElementError
		if !errors.As(err, &elem) || err.Error() != tc.want {
			t.Errorf("%v: got %v; want *ElementError %s", tc.elems, err, tc.want)
		}
	}
}

// SchemaOf takes the schema from the first element of the first
// partition that has one; a batch without elements has none.
func TestSchemaOf(t *testing.T) {
	s, err := SchemaOf[pair, ms]([][]any{{}, {pair{"k", 1}}, {"other"}}, names)
	if err != nil || s == nil || s.shape != shapePair {
		t.Fatalf("got %v, %v; want the pair's schema", s, err)
	}
	if s, err := SchemaOf[pair, ms]([][]any{{}, nil}, names); s != nil || err != nil {
		t.Errorf("no elements: %v, %v", s, err)
	}
}
