package engine_test

import (
	"fmt"
	"strings"

	"github.com/gostream/gostream/engine"
)

func ExampleRDD_Top() {
	ssc := engine.NewStreamingContext("local[2]", "Top", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
	q := engine.NewQueue()
	counts := ssc.QueueStream(q, true).FlatMap(strings.Fields).Map(engine.WithOne).ReduceByKey(engine.Sum)
	byCount := engine.Ordering(func(a, b engine.Pair) bool { return a.Value.(int) < b.Value.(int) })
	counts.ForeachRDD(func(r *engine.RDD) {
		fmt.Println(r.Top(2, byCount))
		fmt.Println(r.Keys().Top(2)) // natural order: the last two words
	})
	q.Push("to be or not to be", "to see")
	ssc.Start()
	ssc.Advance(engine.Seconds(1))
	ssc.Stop(false)
	// Output:
	// [(to,3) (be,2)]
	// [to see]
}

func ExampleRDD_SortByKey() {
	ssc := engine.NewStreamingContext("local[2]", "SortByKey", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
	q := engine.NewQueue()
	ssc.QueueStream(q, true).Transform(func(r *engine.RDD) *engine.RDD {
		return r.SortByKey(false) // ascending false: the largest key first
	}).Print()
	q.Push(engine.KV(2, "b"), engine.KV(3, "c"), engine.KV(1, "a"))
	ssc.Start()
	ssc.Advance(engine.Seconds(1))
	ssc.Stop(false)
	// Output:
	// -------------------------------------------
	// Time: 1000 ms
	// -------------------------------------------
	// (3,c)
	// (2,b)
	// (1,a)
}

func ExampleRDD_CountByKey() {
	ssc := engine.NewStreamingContext("local[2]", "CountByKey", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
	q := engine.NewQueue()
	ssc.QueueStream(q, true).ForeachRDD(func(r *engine.RDD) {
		counts := r.CountByKey()
		fmt.Println(counts["go"], counts["spark"], len(counts))
	})
	q.Push(engine.KV("go", 1), engine.KV("spark", 2), engine.KV("go", 3))
	ssc.Start()
	ssc.Advance(engine.Seconds(1))
	ssc.Stop(false)
	// Output:
	// 2 1 2
}

func ExampleDStream_CombineByKey() {
	ssc := engine.NewStreamingContext("local[2]", "CombineByKey", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
	q := engine.NewQueue()
	// The mean of each key's values, through a (sum, count) combiner.
	type sumCount struct{ sum, n int }
	means := ssc.QueueStream(q, true).CombineByKey(
		func(v int) sumCount { return sumCount{v, 1} },
		func(c sumCount, v int) sumCount { return sumCount{c.sum + v, c.n + 1} },
		func(a, b sumCount) sumCount { return sumCount{a.sum + b.sum, a.n + b.n} },
		engine.NumTasks(1),
	).MapValues(func(c sumCount) float64 { return float64(c.sum) / float64(c.n) })
	means.Print()
	q.Push(engine.KV("a", 1), engine.KV("b", 10), engine.KV("a", 2), engine.KV("a", 6))
	ssc.Start()
	ssc.Advance(engine.Seconds(1))
	ssc.Stop(false)
	// Output:
	// -------------------------------------------
	// Time: 1000 ms
	// -------------------------------------------
	// (a,3)
	// (b,10)
}
