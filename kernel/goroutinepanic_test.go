package kernel

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gostream/gostream/kernel/wire"
)

// TestGoroutinePanicLeavesTheKernelRunning: a panic in a goroutine a cell
// started is shown on stderr under that cell (the last one run), and the
// kernel goes on with what was defined.
func TestGoroutinePanicLeavesTheKernelRunning(t *testing.T) {
	_, c := startKernel(t)
	c.execute("kept := 6\nfunc boom() { var m map[string]int; m[\"a\"] = 1 }")
	cells := []struct{ code, want string }{
		{`go func() { panic("x") }()`, "goroutine panic: 1:13: x\n"},
		{"go boom()", "assignment to entry in nil map\n"},
	}
	for _, cell := range cells {
		code := cell.code
		start := c.execute(code)
		if start.reply["status"] != "ok" {
			t.Fatalf("%s: reply %v", code, start.reply)
		}
		m := c.waitFor(20*time.Second, func(m *wire.Message) bool {
			if m.Header.MsgType != "stream" || m.Parent == nil || m.Parent.MsgID != start.id {
				return false
			}
			var s struct{ Name, Text string }
			json.Unmarshal(m.Content, &s)
			return s.Name == "stderr" && strings.Contains(s.Text, cell.want)
		})
		if m == nil {
			t.Fatalf("%s: the goroutine's panic never reached the notebook", code)
		}
	}
	if got := resultText(c.execute("kept * 7")); got != "42" {
		t.Errorf("after the panics, kept * 7 = %q; want 42", got)
	}
}
