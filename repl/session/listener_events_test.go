package session

import (
	"strings"
	"testing"
)

// TestInterpretedListenerSparkEvents: an interpreted listener hears the
// context start and each output operation start and end, as the same type
// compiled does.
func TestInterpretedListenerSparkEvents(t *testing.T) {
	s, _ := newSession(t)
	var out syncBuffer
	s.SetOutput(&out, &out)
	mustEval(t, s, `
type spark struct{}

func (spark) OnBatchCompleted(info engine.BatchInfo)        { fmt.Println("batch completed", info.BatchTime) }
func (spark) OnStreamingStarted(engine.StreamingStartedInfo) { fmt.Println("streaming started") }
func (spark) OnOutputOperationStarted(o engine.OutputOperationInfo) {
	fmt.Println("output started", o.ID, o.Name)
}
func (spark) OnOutputOperationCompleted(o engine.OutputOperationInfo) {
	fmt.Println("output completed", o.ID, o.Name, o.Err)
}`)
	mustEval(t, s, `
ssc := engine.NewStreamingContext("local[2]", "events", engine.Seconds(1), engine.WithManualClock())
ssc.QueueStream(engine.NewQueue(), true).ForeachRDD(func(*engine.RDD) {})
ssc.AddStreamingListener(spark{})
ssc.Start()
ssc.Advance(engine.Seconds(1))
ssc.Stop(false)`)
	want := "streaming started\noutput started 0 ForeachRDD\noutput completed 0 ForeachRDD <nil>\nbatch completed 1000 ms\n"
	if got := out.String(); !strings.Contains(got, want) {
		t.Errorf("the listener printed:\n%s\nwant it to contain:\n%s", got, want)
	}
}
