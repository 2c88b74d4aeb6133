package kernel

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gostream/gostream/engine"
	"github.com/gostream/gostream/kernel/display"
	"github.com/gostream/gostream/kernel/wire"
)

func streamText(m *wire.Message) string {
	if m.Header.MsgType != "stream" {
		return ""
	}
	var s struct{ Text string }
	json.Unmarshal(m.Content, &s)
	return s.Text
}

func TestInterruptDuringRunningStream(t *testing.T) {
	_, c := startKernel(t)
	c.execute("answer := 41\nfunc inc(x int) int { return x + 1 }\nfunc words(line string) int { return len(strings.Fields(line)) }")

	run := c.send(c.shell, "execute_request", map[string]any{"code": `
ssc := engine.NewStreamingContext("local[2]", "Forever", engine.Milliseconds(50))
ssc.RateStream(200).Map(words).Reduce(func(a, b int) int { return a + b }).Map(inc).Print()
ssc.Start()
ssc.AwaitTermination()`, "silent": false, "store_history": true})

	// Interrupt once batches are arriving in the cell.
	if c.waitFor(20*time.Second, func(m *wire.Message) bool {
		return m.Parent != nil && m.Parent.MsgID == run && strings.Contains(streamText(m), "Time: ")
	}) == nil {
		for _, m := range c.outputs(run) {
			t.Logf("%s %s", m.Header.MsgType, m.Content)
		}
		t.Fatal("the stream printed no batch within 20s")
	}
	if rep := c.request(c.control, "interrupt_request", map[string]any{}); rep["status"] != "ok" {
		t.Fatalf("interrupt_reply %v", rep)
	}
	reply := decodeContent(t, c.recvReply(c.shell, run))
	if reply["status"] != "error" || reply["ename"] != "Interrupted" {
		t.Errorf("interrupted cell's reply %v, want status error, ename Interrupted", reply)
	}
	c.waitIdle(run)
	errors := 0
	for _, m := range c.outputs(run) {
		if m.Header.MsgType == "error" {
			errors++
		}
	}
	if errors != 1 {
		t.Errorf("interrupted cell published %d error messages, want 1", errors)
	}

	// No batch saw the interpreter's closures zeroed by the interrupt: a
	// zeroed words() would count 0 words and print inc(0) = 1.
	var text strings.Builder
	for _, m := range c.outputs(run) {
		text.WriteString(streamText(m))
	}
	blocks := printBlocks(text.String())
	if len(blocks) == 0 {
		t.Fatalf("no Print block in %q", text.String())
	}
	for _, b := range blocks {
		if n, err := strconv.Atoi(strings.TrimSpace(b)); err != nil || n <= 1 {
			t.Errorf("batch printed %q: want the words of ten lines plus one", b)
		}
	}

	// The stream is stopped: no batch prints while the next cell waits.
	printed := len(c.outputs(run))
	state := c.execute("time.Sleep(300 * time.Millisecond)\nssc.State().String()")
	if got := len(c.outputs(run)); got != printed {
		t.Errorf("the interrupted stream printed %d more messages", got-printed)
	}
	if got := resultText(state); got != engine.Stopped.String() {
		t.Errorf("ssc.State() = %q, want %s", got, engine.Stopped)
	}
	// Every variable and function is kept, and interpreted closures work.
	if got := resultText(c.execute("inc(answer)")); got != "42" {
		t.Errorf("inc(answer) after the interrupt = %q, want 42", got)
	}
}

func resultText(e executed) string {
	for _, m := range e.ofType("execute_result") {
		var r struct {
			Data map[string]string `json:"data"`
		}
		json.Unmarshal(m.Content, &r)
		return r.Data["text/plain"]
	}
	return ""
}

func TestStreamOutputAfterCellReturnedStaysInItsCell(t *testing.T) {
	_, c := startKernel(t)
	start := c.execute(`
q := engine.NewQueue()
ssc := engine.NewStreamingContext("local[2]", "Late", engine.Milliseconds(50))
ssc.QueueStream(q, true).Map(strings.ToUpper).Print()
ssc.Start()`)
	if start.reply["status"] != "ok" {
		t.Fatalf("starting the stream: %v", start.reply)
	}
	push := c.execute(`q.Push("late element")`)
	m := c.waitFor(20*time.Second, func(m *wire.Message) bool { return strings.Contains(streamText(m), "LATE ELEMENT") })
	if m == nil {
		t.Fatal("the pushed element was never printed")
	}
	if m.Parent == nil || m.Parent.MsgID != start.id {
		t.Errorf("batch output went to parent %+v, want the cell that started the stream (%s), not the one that pushed (%s)",
			m.Parent, start.id, push.id)
	}
	if !strings.Contains(streamText(m), "Time: ") {
		t.Errorf("batch output %q lacks the Print header", streamText(m))
	}
	c.execute("ssc.Stop(false)")
}

func TestDisplayUpdatesGoToTheCellThatShowedThem(t *testing.T) {
	_, c := startKernel(t)
	first := c.execute("1")
	h := display.NewHandle(display.Data{"text/plain": "v1", "text/html": "<b>v1</b>"})
	shown := c.waitIOPub(first.id, "display_data", 5*time.Second)
	if shown == nil {
		t.Fatal("no display_data after the cell")
	}
	second := c.execute("2")
	h.Update(display.Data{"text/plain": "v2"})
	upd := c.waitFor(5*time.Second, func(m *wire.Message) bool { return m.Header.MsgType == "update_display_data" })
	if upd == nil {
		t.Fatal("no update_display_data")
	}
	var content struct {
		Data      map[string]string `json:"data"`
		Transient map[string]string `json:"transient"`
	}
	json.Unmarshal(upd.Content, &content)
	if upd.Parent.MsgID != first.id || content.Transient["display_id"] != h.ID() || content.Data["text/plain"] != "v2" {
		t.Errorf("update %s under %s; want display_id %s under %s (not %s)", upd.Content, upd.Parent.MsgID, h.ID(), first.id, second.id)
	}

	// While another cell runs, the update also goes to that cell, where
	// nbclient reads it.
	running := c.send(c.shell, "execute_request", map[string]any{"code": "time.Sleep(500 * time.Millisecond)", "silent": false, "store_history": true})
	if c.waitIOPub(running, "execute_input", 5*time.Second) == nil {
		t.Fatal("the sleeping cell did not start")
	}
	h.Update(display.Data{"text/plain": "v3"})
	for _, parent := range []string{first.id, running} {
		if c.waitFor(5*time.Second, func(m *wire.Message) bool {
			return m.Header.MsgType == "update_display_data" && m.Parent.MsgID == parent && strings.Contains(string(m.Content), "v3")
		}) == nil {
			t.Errorf("no update_display_data v3 under %s", parent)
		}
	}
	c.recvReply(c.shell, running)
}

func TestHistoryAcrossRestarts(t *testing.T) {
	file := t.TempDir() + "/history.jsonl"
	h1, err := openHistory(file)
	if err != nil {
		t.Fatal(err)
	}
	out := "42"
	h1.add(1, "6*7", &out)
	h1.add(2, "x := 1", nil)
	h2, err := openHistory(file)
	if err != nil {
		t.Fatal(err)
	}
	h2.add(1, "6*7", &out)
	n := func(i int) *int { return &i }
	for _, tc := range []struct {
		name string
		req  historyRequest
		want string
	}{
		{"tail", historyRequest{HistAccessType: "tail", N: n(2)}, `[[1,2,"x := 1"],[2,1,"6*7"]]`},
		{"tail with output", historyRequest{HistAccessType: "tail", N: n(1), Output: true}, `[[2,1,["6*7","42"]]]`},
		{"range of the previous session", historyRequest{HistAccessType: "range", Session: -1, Start: 2, Stop: n(3)}, `[[1,2,"x := 1"]]`},
		{"range of this session", historyRequest{HistAccessType: "range", Session: 0, Start: 1}, `[[2,1,"6*7"]]`},
		{"search", historyRequest{HistAccessType: "search", Pattern: "6?7"}, `[[1,1,"6*7"],[2,1,"6*7"]]`},
		{"search unique", historyRequest{HistAccessType: "search", Pattern: "*", Unique: true}, `[[1,2,"x := 1"],[2,1,"6*7"]]`},
		{"search n", historyRequest{HistAccessType: "search", Pattern: "[x6]*", N: n(1)}, `[[2,1,"6*7"]]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := h2.query(tc.req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(got)
			if string(b) != tc.want {
				t.Errorf("got %s, want %s", b, tc.want)
			}
		})
	}
}

// TestSecondInterruptForcesAStuckBatch: an interrupt waits for the running
// batch; when user code in it never returns, the front end's second
// interrupt must get through and force it, and the kernel lives on.
func TestSecondInterruptForcesAStuckBatch(t *testing.T) {
	_, c := startKernel(t)
	start := c.execute(`
keep := 3
ssc := engine.NewStreamingContext("local[2]", "Stuck", engine.Milliseconds(50))
ssc.RateStream(20).Map(func(line string) string {
	fmt.Println("batch entered")
	for {
	}
	return line
}).Print()
ssc.Start()`)
	if start.reply["status"] != "ok" {
		t.Fatalf("starting the stream: %v", start.reply)
	}
	if c.waitFor(20*time.Second, func(m *wire.Message) bool { return strings.Contains(streamText(m), "batch entered") }) == nil {
		t.Fatal("no batch started within 20s")
	}
	for i := 1; i <= 2; i++ {
		if rep := c.request(c.control, "interrupt_request", map[string]any{}); rep["status"] != "ok" {
			t.Fatalf("interrupt_reply %d: %v", i, rep)
		}
	}
	if got := resultText(c.execute("keep")); got != "3" {
		t.Errorf("keep after the forced interrupt = %q, want 3", got)
	}
	if got := resultText(c.execute("ssc.AwaitTermination()\nssc.State().String()")); got != engine.Stopped.String() {
		t.Errorf("ssc.State() = %q, want %s", got, engine.Stopped)
	}
}
