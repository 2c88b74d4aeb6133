// A stream on a manual clock: batches run when the clock advances.
ssc := engine.NewStreamingContext("local[2]", "WordCount", engine.Seconds(1), engine.WithManualClock())
q := engine.NewQueue()
lines := ssc.QueueStream(q, true)
counts := lines.FlatMap(strings.Fields).Map(engine.WithOne).ReduceByKey(engine.Sum)
counts.Print()
ssc.Start()
q.Push("to be or not to be")
ssc.Advance(engine.Seconds(1))
:stop
:streams
ssc2 := engine.NewStreamingContext("local[2]", "Again", engine.Seconds(1), engine.WithManualClock())
ssc2.QueueStream(q, true).Count().Print()
ssc2.Start()
:reset
:streams
q
:help
