package engine_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gostream/gostream/engine"
)

// wordsReceiver is a custom source: OnStart hands a few records over and
// returns; a real receiver would start a goroutine reading its source until
// ctx.Done() is closed.
type wordsReceiver struct{ words []string }

func (r *wordsReceiver) OnStart(ctx *engine.ReceiverContext) {
	for _, w := range r.words {
		if err := ctx.Store(w); err != nil {
			return
		}
	}
}

func (r *wordsReceiver) OnStop() {}

func ExampleStreamingContext_ReceiverStream() {
	ssc := engine.NewStreamingContext("local[2]", "Custom", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
	words := ssc.ReceiverStream(&wordsReceiver{words: strings.Fields("to be or not to be")}, engine.MaxRate(1000))
	words.CountByValue(engine.NumTasks(1)).Print()
	if err := ssc.Start(); err != nil {
		panic(err)
	}
	ssc.Advance(engine.Seconds(1))
	ssc.Stop(true)
	// Output:
	// -------------------------------------------
	// Time: 1000 ms
	// -------------------------------------------
	// (to,2)
	// (be,2)
	// (or,1)
	// (not,1)
}

func ExampleDStream_SaveAsTextFiles() {
	dir, _ := os.MkdirTemp("", "gostream-example")
	defer os.RemoveAll(dir)
	ssc := engine.NewStreamingContext("local[2]", "Save", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
	q := engine.NewQueue()
	ssc.QueueStream(q, true).Map(func(w string) engine.Pair { return engine.KV(w, len(w)) }).
		SaveAsTextFiles(filepath.Join(dir, "lengths"), "txt")
	q.Push("spark", "go", "stream")
	ssc.Start()
	if err := ssc.Advance(engine.Seconds(1)); err != nil {
		panic(err)
	}
	ssc.Stop(false)
	out := engine.OutputPath(filepath.Join(dir, "lengths"), "txt", 1000)
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(out, e.Name()))
		fmt.Printf("%s-1000.txt/%s: %q\n", "lengths", e.Name(), b)
	}
	// Output:
	// lengths-1000.txt/_SUCCESS: ""
	// lengths-1000.txt/part-00000: "(spark,5)\n"
	// lengths-1000.txt/part-00001: "(go,2)\n(stream,6)\n"
}

func ExampleReadObjectFiles() {
	dir, _ := os.MkdirTemp("", "gostream-example")
	defer os.RemoveAll(dir)
	ssc := engine.NewStreamingContext("local[2]", "Objects", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
	q := engine.NewQueue()
	ssc.QueueStream(q, true).SaveAsObjectFiles(filepath.Join(dir, "objs"), "")
	q.Push(engine.KV("a", 1), int64(2), 3.5, []any{"x", true})
	ssc.Start()
	if err := ssc.Advance(engine.Seconds(1)); err != nil {
		panic(err)
	}
	ssc.Stop(false)
	elems, err := engine.ReadObjectFiles(filepath.Join(dir, "objs-1000"))
	if err != nil {
		panic(err)
	}
	for _, x := range elems {
		fmt.Printf("%T %v\n", x, engine.Format(x))
	}
	// Output:
	// engine.Pair (a,1)
	// int64 2
	// float64 3.5
	// []interface {} [x true]
}
