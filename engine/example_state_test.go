package engine_test

import (
	"fmt"
	"strings"

	"github.com/gostream/gostream/engine"
)

func ExampleDStream_Window() {
	ssc := engine.NewStreamingContext("local[2]", "Window", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
	q := engine.NewQueue()
	// The last 3 seconds of numbers, every 2 seconds.
	ssc.QueueStream(q, true).Window(engine.Seconds(3), engine.Seconds(2)).Print()
	for i := 1; i <= 4; i++ {
		q.Push(i)
	}
	ssc.Start()
	ssc.Advance(engine.Seconds(4))
	ssc.Stop(false)
	// Output:
	// -------------------------------------------
	// Time: 2000 ms
	// -------------------------------------------
	// 1
	// 2
	//
	// -------------------------------------------
	// Time: 4000 ms
	// -------------------------------------------
	// 2
	// 3
	// 4
}

func ExampleDStream_ReduceByKeyAndWindow() {
	ssc := engine.NewStreamingContext("local[2]", "WindowedWordCount", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
	q := engine.NewQueue()
	pairs := ssc.QueueStream(q, true).FlatMap(strings.Fields).Map(engine.WithOne)
	// Word counts over the last 2 seconds, every second, computed
	// incrementally: add the batch that entered, subtract the one that left,
	// and drop the words whose count fell to 0.
	counts := pairs.ReduceByKeyAndWindow(engine.Sum, engine.Seconds(2), engine.Seconds(1),
		engine.Inverse(engine.Diff),
		engine.FilterFunc(func(p engine.Pair) bool { return p.Value.(int) > 0 }),
		engine.NumTasks(1))
	counts.Print()
	q.Push("to be or not to be")
	q.Push("to stream")
	q.Push()
	ssc.Start()
	ssc.Advance(engine.Seconds(3))
	ssc.Stop(false)
	// Output:
	// -------------------------------------------
	// Time: 1000 ms
	// -------------------------------------------
	// (to,2)
	// (be,2)
	// (or,1)
	// (not,1)
	//
	// -------------------------------------------
	// Time: 2000 ms
	// -------------------------------------------
	// (to,3)
	// (be,2)
	// (or,1)
	// (not,1)
	// (stream,1)
	//
	// -------------------------------------------
	// Time: 3000 ms
	// -------------------------------------------
	// (to,1)
	// (stream,1)
}

func ExampleDStream_UpdateStateByKey() {
	ssc := engine.NewStreamingContext("local[2]", "RunningCount", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
	q := engine.NewQueue()
	pairs := ssc.QueueStream(q, true).FlatMap(strings.Fields).Map(engine.WithOne)
	// A running count per word; a word is forgotten when a batch brings
	// none of it.
	totals := pairs.UpdateStateByKey(func(values []int, state *int) *int {
		if len(values) == 0 {
			return nil
		}
		n := 0
		if state != nil {
			n = *state
		}
		for _, v := range values {
			n += v
		}
		return &n
	}, engine.NumTasks(1))
	totals.Print()
	q.Push("a b a")
	q.Push("a c")
	q.Push("c")
	ssc.Start()
	ssc.Advance(engine.Seconds(3))
	ssc.Stop(false)
	// Output:
	// -------------------------------------------
	// Time: 1000 ms
	// -------------------------------------------
	// (a,2)
	// (b,1)
	//
	// -------------------------------------------
	// Time: 2000 ms
	// -------------------------------------------
	// (a,3)
	// (c,1)
	//
	// -------------------------------------------
	// Time: 3000 ms
	// -------------------------------------------
	// (c,2)
}

func ExampleDStream_MapWithState() {
	ssc := engine.NewStreamingContext("local[2]", "Sessions", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
	q := engine.NewQueue()
	clicks := ssc.QueueStream(q, true)
	// Clicks per user; a user idle for more than 2 seconds ends a session.
	spec := engine.StateSpecFunc(func(user string, clicks *int, state *engine.State) string {
		n := 0
		if state.Exists() {
			n = state.Get().(int)
		}
		if state.IsTimingOut() {
			return fmt.Sprintf("%s: session ended after %d clicks", user, n)
		}
		state.Update(n + *clicks)
		return fmt.Sprintf("%s: %d clicks", user, n+*clicks)
	}).Timeout(engine.Seconds(2)).NumPartitions(1)
	sessions := clicks.MapWithState(spec)
	sessions.Print()
	q.Push(engine.KV("ann", 1), engine.KV("bob", 2))
	q.Push(engine.KV("ann", 3))
	q.Push()
	q.Push()
	ssc.Start()
	ssc.Advance(engine.Seconds(4))
	ssc.Stop(false)
	// Output:
	// -------------------------------------------
	// Time: 1000 ms
	// -------------------------------------------
	// ann: 1 clicks
	// bob: 2 clicks
	//
	// -------------------------------------------
	// Time: 2000 ms
	// -------------------------------------------
	// ann: 4 clicks
	//
	// -------------------------------------------
	// Time: 3000 ms
	// -------------------------------------------
	//
	// -------------------------------------------
	// Time: 4000 ms
	// -------------------------------------------
	// bob: session ended after 2 clicks
}
