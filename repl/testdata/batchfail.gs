// Every input succeeds, but a batch fails: the script's exit status is 1.
ssc := engine.NewStreamingContext("local[2]", "Parse", engine.Seconds(1), engine.WithManualClock())
q := engine.NewQueue()
ssc.QueueStream(q, true).Map(func(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return n
}).Reduce(engine.Sum).Print()
ssc.Start()
q.Push("1", "2", "3")
q.Push("4", "five")
ssc.Advance(engine.Seconds(2))
