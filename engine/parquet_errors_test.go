package engine_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/gostream/gostream/engine"
)

type twoNames struct {
	A int `parquet:"x"`
	B int `parquet:"x"`
}

type noColumns struct {
	a int
	B int `parquet:"-"`
}

type sensor struct{ Name string }

// TestSaveAsParquetFilesBadElements: a struct that cannot be a schema, or
// a batch holding another struct than its first, fails the batch with an
// *Error naming the operation, the batch and the types, and writes nothing.
func TestSaveAsParquetFilesBadElements(t *testing.T) {
	dir := t.TempDir()
	ssc := engine.NewStreamingContext("local[2]", "parquet", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
	q := engine.NewQueue()
	ssc.QueueStream(q, true).SaveAsParquetFiles(filepath.Join(dir, "out"), "")
	q.Push(twoNames{1, 2})
	q.Push(noColumns{})
	q.Push(sensor{"s1"}, twoNames{})
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	defer ssc.Stop(false)
	for _, want := range []string{
		`engine: SaveAsParquetFiles at 1000 ms: struct engine_test.twoNames has two fields named "x"`,
		`engine: SaveAsParquetFiles at 2000 ms: struct engine_test.noColumns has no exported fields to write as columns`,
		`engine: SaveAsParquetFiles at 3000 ms: element of type engine_test.twoNames in a batch of engine_test.sensor elements`,
	} {
		err := ssc.Advance(engine.Seconds(1))
		if got := fmt.Sprintf("%T %v", err, err); got != "*engine.Error "+want {
			t.Errorf("got %s\nwant *engine.Error %s", got, want)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) > 0 {
		t.Errorf("failed batches left %v", left)
	}
}
