package kernel

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gostream/gostream/kernel/wire"
)

// TestBatchErrorReachesTheCellThatStartedTheStream: a user function that
// panics in a running stream's batch is reported as stderr under the cell
// that started the stream, after that cell returned, and the kernel goes on.
func TestBatchErrorReachesTheCellThatStartedTheStream(t *testing.T) {
	_, c := startKernel(t)
	start := c.execute(`
q := engine.NewQueue()
ssc := engine.NewStreamingContext("local[2]", "Failing", engine.Milliseconds(50))
ssc.QueueStream(q, true).Map(func(x int) int {
	panic("bad record")
}).Print()
ssc.Start()`)
	if start.reply["status"] != "ok" {
		t.Fatalf("starting the stream: %v", start.reply)
	}
	c.execute(`q.Push(1, 2)`)
	m := c.waitFor(20*time.Second, func(m *wire.Message) bool {
		if m.Header.MsgType != "stream" {
			return false
		}
		var s struct{ Name, Text string }
		json.Unmarshal(m.Content, &s)
		return s.Name == "stderr" && strings.Contains(s.Text, "bad record")
	})
	if m == nil {
		t.Fatal("the batch error never reached the notebook")
	}
	if m.Parent == nil || m.Parent.MsgID != start.id {
		t.Errorf("batch error went to parent %+v, want the cell that started the stream (%s)", m.Parent, start.id)
	}
	if text := streamText(m); !strings.Contains(text, "batch error: engine: Map at ") {
		t.Errorf("stderr %q; want \"batch error: engine: Map at ...\"", text)
	}
	if got := resultText(c.execute("1 + 1")); got != "2" {
		t.Errorf("after the failed batch, 1 + 1 = %q", got)
	}
	c.execute("ssc.Stop(false)")
}
