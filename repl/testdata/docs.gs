// :doc shows the doc comment under the signature of a gostream name: a
// function, a type, a method named through its type and a method of a value.
ssc := engine.NewStreamingContext("local[2]", "docs", time.Second)
lines := ssc.QueueStream(engine.NewQueue(), true)
:doc engine.NewStreamingContext
:doc engine.Pair
:doc engine.DStream.Map
:doc lines.FlatMap
:doc ssc.Start
:doc engine.ErrStopped
// Names without a doc comment keep the signature alone.
func twice(n int) int { return 2 * n }
:doc twice
:doc strings.Fields
