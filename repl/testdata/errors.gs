// Errors name the line and column of the input; the session lives on.
a := 1
a + nosuch
func broken() {
	undefinedCall()
}
var m map[string]int
m["boom"] = 1
for x := range func(yield func(int) bool) { yield(1) } { _ = x }
engine.NewStreamingContext("nowhere", "app", engine.Seconds(1))
:nosuchcommand
// Still alive, with every variable kept:
a
:type a + nosuch
// A function that panics in a batch fails the batch; the stream goes on.
ssc := engine.NewStreamingContext("local[2]", "Failing", engine.Seconds(1), engine.WithManualClock())
q := engine.NewQueue()
ssc.QueueStream(q, true).Map(func(x int) int {
	return 100 / x
}).Print()
ssc.Start()
q.Push(0, 1)
ssc.Advance(engine.Seconds(1))
q.Push(4)
ssc.Advance(engine.Seconds(1))
// A string not closed on its line is an error at once; the next lines are
// inputs of their own.
s := "not closed
func split3(line string) []string {
	parts := strings.Fields(line)
	return parts[:nosuch]
}
s := "closed"
s
