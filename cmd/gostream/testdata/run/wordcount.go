package main

import (
	"fmt"
	"strings"

	"github.com/gostream/gostream/engine"
)

type Count struct {
	Word string
	N    int
}

func (c Count) String() string { return fmt.Sprintf("%s×%d", c.Word, c.N) }

func main() {
	ssc := engine.NewStreamingContext("local[2]", "wordcount", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
	q := engine.NewQueue()
	words := ssc.QueueStream(q, true).FlatMap(strings.Fields)
	counts := words.Map(engine.WithOne).ReduceByKey(engine.Sum)
	counts.Transform(func(r *engine.RDD) *engine.RDD {
		return r.SortBy(func(p engine.Pair) string { return p.Key.(string) }, true)
	}).Print()
	total := 0
	counts.ForeachRDD(func(r *engine.RDD) {
		for _, x := range r.Collect() {
			total += x.(engine.Pair).Value.(int)
		}
	})
	if err := ssc.Start(); err != nil {
		panic(err)
	}
	q.Push("to be or not to be")
	q.Push("that is the question")
	for i := 0; i < 2; i++ {
		if err := ssc.Advance(engine.Seconds(1)); err != nil {
			panic(err)
		}
	}
	ssc.Stop(true)
	fmt.Println("total words:", total)
	fmt.Println(Count{"be", 2})
}

// Output:
// -------------------------------------------
// Time: 1000 ms
// -------------------------------------------
// (be,2)
// (not,1)
// (or,1)
// (to,2)
//
// -------------------------------------------
// Time: 2000 ms
// -------------------------------------------
// (is,1)
// (question,1)
// (that,1)
// (the,1)
//
// total words: 10
// be×2
