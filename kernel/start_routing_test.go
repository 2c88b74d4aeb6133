package kernel

import (
	"strings"
	"testing"
	"time"

	"github.com/gostream/gostream/kernel/wire"
)

// TestStreamOutputGoesToTheCellThatStartedIt: a context created in one
// cell and started in another prints its batches under the starting cell's
// msg_id, not the creating cell's nor that of a later cell.
func TestStreamOutputGoesToTheCellThatStartedIt(t *testing.T) {
	_, c := startKernel(t)
	create := c.execute(`
q := engine.NewQueue()
ssc := engine.NewStreamingContext("local[2]", "StartedLater", engine.Milliseconds(50))
ssc.QueueStream(q, true).Map(strings.ToUpper).Print()`)
	if create.reply["status"] != "ok" {
		t.Fatalf("creating the stream: %v", create.reply)
	}
	start := c.execute("ssc.Start()")
	if start.reply["status"] != "ok" {
		t.Fatalf("starting the stream: %v", start.reply)
	}
	push := c.execute(`q.Push("started in cell two")`)
	m := c.waitFor(20*time.Second, func(m *wire.Message) bool { return strings.Contains(streamText(m), "STARTED IN CELL TWO") })
	if m == nil {
		t.Fatal("the pushed element was never printed")
	}
	if m.Parent == nil || m.Parent.MsgID != start.id {
		t.Errorf("batch output went to parent %+v; want the cell that started the stream (%s), not the one that created it (%s) or pushed (%s)",
			m.Parent, start.id, create.id, push.id)
	}
	c.execute("ssc.Stop(false)")
}
