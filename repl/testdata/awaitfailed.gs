// AwaitTermination in a later input returns the error of the failed batch:
// the input fails with it.
ssc := engine.NewStreamingContext("local[2]", "Parse", engine.Seconds(1), engine.WithManualClock())
q := engine.NewQueue()
ssc.QueueStream(q, true).Map(func(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return n
}).Print()
ssc.Start()
q.Push("five")
ssc.Advance(engine.Seconds(1))
ssc.AwaitTermination()
