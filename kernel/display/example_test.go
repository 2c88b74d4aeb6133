package display_test

import (
	"os"
	"strings"

	"github.com/gostream/gostream/engine"
	"github.com/gostream/gostream/kernel/display"
)

// Without a front end's sink, outputs print as text.
func ExampleHTML() {
	defer display.SetSink(display.NewTextSink(os.Stdout, strings.NewReader("")))()
	display.HTML("<b>5</b> streams &amp; <i>2</i> windows")
	display.Markdown("# Counts")
	// Output:
	// 5 streams & 2 windows
	// # Counts
}

func ExampleTable() {
	defer display.SetSink(display.NewTextSink(os.Stdout, strings.NewReader("")))()
	ssc := engine.NewStreamingContext("local[2]", "Counts", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
	q := engine.NewQueue()
	counts := ssc.QueueStream(q, true).FlatMap(strings.Fields).CountByValue(engine.NumTasks(1)).
		Transform(func(rdd *engine.RDD) *engine.RDD {
			return rdd.SortBy(func(p engine.Pair) string { return p.Key.(string) }, true)
		})
	display.Table(counts, 2)
	q.Push("to be or not to be")
	if err := ssc.Start(); err != nil {
		panic(err)
	}
	if err := ssc.Advance(engine.Seconds(1)); err != nil {
		panic(err)
	}
	ssc.Stop(false)
	// Output:
	// Transform: waiting for the first batch
	// Transform · batch +1s: first 2 elements
	// key  value
	// be   2
	// not  1
	// ...
}

func ExampleInput() {
	defer display.SetSink(display.NewTextSink(os.Stdout, strings.NewReader("Ada\n")))()
	name, err := display.Input("name? ")
	if err != nil {
		panic(err)
	}
	display.Text("hello " + name)
	// Output:
	// name? hello Ada
}
