:load lib.go.txt
Shout("streams")
main_
func main() {}
// Errors in a loaded file name the file and its lines, also when a
// function of the file panics later, here or in a batch.
:load vars.go.txt
banner
Digits("a1b22c333")
regexp.MustCompile("b+").FindString("abbc")
:load broken.go.txt
:load nosuchfile.go
two := 2
:load broken.go.txt
Twice(3)
Half(3)
ssc := engine.NewStreamingContext("local[2]", "Halves", engine.Seconds(1), engine.WithManualClock())
q := engine.NewQueue()
ssc.QueueStream(q, true).Map(Half).Print()
ssc.Start()
q.Push(4, 5)
ssc.Advance(engine.Seconds(1))
