package engine_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/xitongsys/parquet-go/reader"
	"github.com/xitongsys/parquet-go/source"

	"github.com/gostream/gostream/engine"
)

// The Parquet files are read back with xitongsys/parquet-go, an
// implementation that shares no code with the writer (parquet-go/parquet-go).

// parquetFile is a source.ParquetFile over an *os.File, for reading.
type parquetFile struct{ *os.File }

func (f parquetFile) Open(name string) (source.ParquetFile, error) {
	if name == "" {
		name = f.Name()
	}
	g, err := os.Open(name)
	return parquetFile{g}, err
}

func (f parquetFile) Create(string) (source.ParquetFile, error) {
	return nil, errors.New("read only")
}

// parquetTable is what a reader sees in the files of one output directory.
type parquetTable struct {
	columns []string // name:TYPE[:CONVERTED]
	rows    [][]any
}

func readParquetDir(t *testing.T, dir string) (parquetTable, []string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	var table parquetTable
	for _, e := range entries {
		names = append(names, e.Name())
		if !strings.HasSuffix(e.Name(), ".parquet") {
			continue
		}
		cols, rows := readParquetFile(t, filepath.Join(dir, e.Name()))
		if table.columns != nil && strings.Join(cols, ",") != strings.Join(table.columns, ",") {
			t.Fatalf("%s: columns %v differ from the other files' %v", e.Name(), cols, table.columns)
		}
		table.columns = cols
		table.rows = append(table.rows, rows...)
	}
	sort.Strings(names)
	return table, names
}

func readParquetFile(t *testing.T, path string) ([]string, [][]any) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pr, err := reader.NewParquetColumnReader(parquetFile{f}, 1)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	defer pr.ReadStop()
	n := pr.GetNumRows()
	var cols []string
	for i, el := range pr.Footer.Schema[1:] {
		// The reader renames columns in its footer; ExName is the file's name.
		c := pr.SchemaHandler.Infos[i+1].ExName + ":" + el.Type.String()
		if el.ConvertedType != nil {
			c += ":" + el.ConvertedType.String()
		}
		cols = append(cols, c)
	}
	rows := make([][]any, n)
	for i := range rows {
		rows[i] = make([]any, len(cols))
	}
	for c := range cols {
		if n == 0 {
			break
		}
		values, _, dls, err := pr.ReadColumnByIndex(int64(c), n)
		if err != nil {
			t.Fatalf("reading column %d of %s: %v", c, path, err)
		}
		if int64(len(values)) != n {
			t.Fatalf("column %d of %s has %d values for %d rows", c, path, len(values), n)
		}
		for i, v := range values {
			if dls[i] == 0 {
				v = nil
			}
			rows[i][c] = v
		}
	}
	return cols, rows
}

type reading struct {
	Sensor  string
	Celsius float64
	At      engine.Time
	Raw     []byte `parquet:"raw_bytes"`
	hidden  int
}

func TestSaveAsParquetFiles(t *testing.T) {
	dir := t.TempDir()
	ssc := engine.NewStreamingContext("local[2]", "parquet", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
	q := engine.NewQueue()
	ssc.QueueStream(q, true).SaveAsParquetFiles(filepath.Join(dir, "out"), "pq")
	q.Push(engine.KV("a", 1), engine.KV("b", 2), engine.KV("c", nil), engine.KV("d", 4))
	q.Push(reading{"s1", 21.5, 1500, []byte{1, 2}, 0}, &reading{Sensor: "s2", Celsius: -3, At: 2500})
	q.Push(3, 1, 2)
	q.Push()
	q.Push(engine.KV(1, "x"), 7)
	q.Push(engine.KV("k", 1), engine.KV("k", "one"))
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	defer ssc.Stop(false)
	if err := ssc.Advance(engine.Seconds(4)); err != nil {
		t.Fatal(err)
	}
	check := func(name string, wantFiles, wantCols string, wantRows string) {
		t.Helper()
		table, files := readParquetDir(t, filepath.Join(dir, name))
		if got := strings.Join(files, " "); got != wantFiles {
			t.Errorf("%s holds %s; want %s", name, got, wantFiles)
		}
		if got := strings.Join(table.columns, " "); got != wantCols {
			t.Errorf("%s: columns %s; want %s", name, got, wantCols)
		}
		var rows []string
		for _, r := range table.rows {
			rows = append(rows, fmt.Sprint(r))
		}
		if got := strings.Join(rows, " "); got != wantRows {
			t.Errorf("%s: rows %s; want %s", name, got, wantRows)
		}
	}
	parts := "_SUCCESS part-00000.parquet part-00001.parquet"
	check("out-1000.pq", parts, "key:BYTE_ARRAY:UTF8 value:INT64:INT_64", "[a 1] [b 2] [c <nil>] [d 4]")
	check("out-2000.pq", parts, "At:INT64:TIMESTAMP_MILLIS Celsius:DOUBLE Sensor:BYTE_ARRAY:UTF8 raw_bytes:BYTE_ARRAY",
		"[1500 21.5 s1 \x01\x02] [2500 -3 s2 <nil>]")
	check("out-3000.pq", parts, "value:INT64:INT_64", "[3] [1] [2]")
	check("out-4000.pq", "_SUCCESS", "", "")

	err := ssc.Advance(engine.Seconds(1))
	want := "engine: SaveAsParquetFiles at 5000 ms: element of type int (7) in a batch of engine.Pair elements, written as columns key and value"
	if err == nil || err.Error() != want {
		t.Errorf("a batch of mixed elements: %v; want %s", err, want)
	}
	err = ssc.Advance(engine.Seconds(1))
	want = `engine: SaveAsParquetFiles at 6000 ms: column "value" holds int values; got string (one)`
	if err == nil || err.Error() != want {
		t.Errorf("a column of mixed types: %v; want %s", err, want)
	}
	for _, name := range []string{"out-5000.pq", "out-6000.pq"} {
		if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("a failed batch left %s: %v", name, err)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) > 0 {
		t.Errorf("temporary directories left: %v", left)
	}
}

// TestSaveAsParquetFileAgain: writing an RDD again to the same directory
// replaces it with the same content and leaves nothing beside it.
func TestSaveAsParquetFileAgain(t *testing.T) {
	dir := t.TempDir()
	ssc := engine.NewStreamingContext("local[2]", "parquet", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
	rdd := ssc.Parallelize([]any{engine.KV("x", 1.5), engine.KV("y", 2.5), engine.KV("z", 3.5)}, 3)
	path := filepath.Join(dir, "table")
	rdd.SaveAsParquetFile(path)
	first, _ := os.ReadFile(filepath.Join(path, "part-00002.parquet"))
	rdd.SaveAsParquetFile(path)
	again, _ := os.ReadFile(filepath.Join(path, "part-00002.parquet"))
	if string(first) != string(again) || len(first) == 0 {
		t.Errorf("the second write differs from the first (%d and %d bytes)", len(first), len(again))
	}
	table, files := readParquetDir(t, path)
	if got := strings.Join(files, " "); got != "_SUCCESS part-00000.parquet part-00001.parquet part-00002.parquet" {
		t.Errorf("directory holds %s", got)
	}
	if got := fmt.Sprint(table.rows); got != "[[x 1.5] [y 2.5] [z 3.5]]" {
		t.Errorf("rows %s", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("beside the table: %v", entries)
	}
}
