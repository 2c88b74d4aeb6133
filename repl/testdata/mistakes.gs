// Mistakes users make with contexts; each says what to do instead.
ssc := engine.NewStreamingContext("local[2]", "Forgotten", engine.Seconds(1), engine.WithManualClock())
q := engine.NewQueue()
lines := ssc.QueueStream(q, true)
lines.Count().Print()
// Forgetting Start:
ssc.Advance(engine.Seconds(1))
:streams
// Starting twice, adding a stream after Start:
ssc.Start()
ssc.Start()
lines.Map(strings.ToUpper).Print()
:streams
// A function of the wrong shape, an option for another operator:
lines.Map(func(a, b string) string { return a + b })
lines.FlatMap(strings.Fields).Map(engine.WithOne).ReduceByKey(engine.Sum, 4)
// Typos:
lines.FlatMapp(strings.Fields)
engine.NewStreamingContex("local", "x", engine.Seconds(1))
:doc linez
:doc lines.Fltr
// After a stop, a context cannot start again:
ssc.Stop(false)
ssc.Start()
:streams
