package kernel

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gostream/gostream/kernel/wire"
)

func TestExecute(t *testing.T) {
	_, c := startKernel(t)

	hello := c.execute(`fmt.Println("hello, world")`)
	if hello.reply["status"] != "ok" || hello.stream("stdout") != "hello, world\n" {
		t.Errorf("hello: reply %v, stdout %q", hello.reply, hello.stream("stdout"))
	}
	if n := hello.reply["execution_count"]; n != 1.0 {
		t.Errorf("first execution_count %v, want 1", n)
	}

	res := c.execute("x := 6\nx * 7")
	results := res.ofType("execute_result")
	if len(results) != 1 {
		t.Fatalf("got %d execute_result, want 1 (outputs %v)", len(results), res.outputs)
	}
	var r struct {
		Count float64           `json:"execution_count"`
		Data  map[string]string `json:"data"`
	}
	json.Unmarshal(results[0].Content, &r)
	if r.Data["text/plain"] != "42" || r.Count != 2 {
		t.Errorf("execute_result %s, want 42 at count 2", results[0].Content)
	}

	stderr := c.execute("import \"os\"\nfmt.Fprintln(os.Stderr, \"oops\")")
	if stderr.stream("stderr") != "oops\n" {
		t.Errorf("stderr: got %q (outputs %v)", stderr.stream("stderr"), stderr.outputs)
	}

	bad := c.execute("undefinedThing + 1")
	if bad.reply["status"] != "error" || len(bad.outputs) != 1 || bad.outputs[0].Header.MsgType != "error" {
		t.Fatalf("failing cell: reply %v, outputs %v; want status error and exactly one error message", bad.reply, bad.outputs)
	}
	var e struct {
		Ename, Evalue string
		Traceback     []string
	}
	json.Unmarshal(bad.outputs[0].Content, &e)
	if !strings.Contains(e.Evalue, "undefined: undefinedThing") || len(e.Traceback) == 0 {
		t.Errorf("error content %s", bad.outputs[0].Content)
	}

	silent := c.execute(`fmt.Println("quiet")`, map[string]any{"silent": true})
	if len(silent.outputs) != 0 {
		t.Errorf("silent cell published %v", silent.outputs)
	}
	after := c.execute("x")
	if after.reply["execution_count"] != 5.0 {
		t.Errorf("execution_count after a silent cell: %v, want 5", after.reply["execution_count"])
	}
}

func TestKernelInfo(t *testing.T) {
	_, c := startKernel(t)
	info := c.request(c.shell, "kernel_info_request", map[string]any{})
	li, _ := info["language_info"].(map[string]any)
	if info["protocol_version"] != wire.ProtocolVersion || info["implementation"] != "gostream" ||
		li["name"] != "go" || li["file_extension"] != ".go" || li["mimetype"] != "text/x-go" {
		t.Errorf("kernel_info_reply %v", info)
	}
	comms := c.request(c.shell, "comm_info_request", map[string]any{})
	if comms["status"] != "ok" || len(comms["comms"].(map[string]any)) != 0 {
		t.Errorf("comm_info_reply %v", comms)
	}
}

func TestStdinInputRequest(t *testing.T) {
	_, c := startKernel(t)
	id := c.send(c.shell, "execute_request", map[string]any{
		"code":        "var name string\nfmt.Scanln(&name)\nfmt.Println(\"hi\", name)",
		"allow_stdin": true, "silent": false, "store_history": true,
	})
	// The kernel asks on stdin; answer as a front end does.
	zm, err := c.stdin.Recv()
	if err != nil {
		t.Fatal(err)
	}
	req, err := wire.Decode(zm.Frames, c.signer)
	if err != nil || req.Header.MsgType != "input_request" || req.Parent.MsgID != id {
		t.Fatalf("got %+v (%v), want an input_request for %s", req, err, id)
	}
	c.send(c.stdin, "input_reply", map[string]any{"value": "Ada"})
	reply := decodeContent(t, c.recvReply(c.shell, id))
	if reply["status"] != "ok" {
		t.Fatalf("reply %v", reply)
	}
	if m := c.waitFor(5*time.Second, func(m *wire.Message) bool {
		return m.Parent != nil && m.Parent.MsgID == id && strings.Contains(string(m.Content), "hi Ada")
	}); m == nil {
		t.Error("no stream output with the typed name")
	}
}

func TestErrorAbortsQueuedCells(t *testing.T) {
	_, c := startKernel(t)
	failing := c.send(c.shell, "execute_request", map[string]any{
		"code": "time.Sleep(200 * time.Millisecond)\npanic(\"stop\")", "silent": false, "store_history": true, "stop_on_error": true,
	})
	queued := c.send(c.shell, "execute_request", map[string]any{
		"code": `fmt.Println("queued")`, "silent": false, "store_history": true, "stop_on_error": true,
	})
	if r := decodeContent(t, c.recvReply(c.shell, failing)); r["status"] != "error" {
		t.Fatalf("failing cell: %v", r)
	}
	if r := decodeContent(t, c.recvReply(c.shell, queued)); r["status"] != "aborted" {
		t.Errorf("cell queued behind an error: %v, want status aborted", r)
	}
	if got := c.execute(`fmt.Println("later")`); got.reply["status"] != "ok" || got.stream("stdout") != "later\n" {
		t.Errorf("cell sent after the error: %v %q", got.reply, got.stream("stdout"))
	}
}

func TestShutdownWithRestart(t *testing.T) {
	k, c := startKernel(t)
	rep := c.request(c.control, "shutdown_request", map[string]any{"restart": true})
	if rep["status"] != "ok" || rep["restart"] != true {
		t.Errorf("shutdown_reply %v", rep)
	}
	select {
	case <-k.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the kernel did not shut down")
	}
}

func TestStreamOutputIsMergedInOrder(t *testing.T) {
	_, c := startKernel(t)
	many := c.execute("for i := 0; i < 2000; i++ {\n\tfmt.Println(i)\n}")
	var want strings.Builder
	for i := 0; i < 2000; i++ {
		fmt.Fprintln(&want, i)
	}
	if got := many.stream("stdout"); got != want.String() {
		t.Errorf("2000 lines arrived as %q...", got[:min(len(got), 100)])
	}
	if n := len(many.ofType("stream")); n > 20 {
		t.Errorf("2000 lines took %d stream messages, want them merged", n)
	}

	mixed := c.execute("fmt.Print(\"out1 \")\nfmt.Print(\"out2\")\nfmt.Sprint(\"result\")")
	var got []string
	for _, m := range mixed.outputs {
		var s struct{ Name, Text string }
		json.Unmarshal(m.Content, &s)
		got = append(got, m.Header.MsgType+":"+s.Name+":"+s.Text)
	}
	wantOrder := []string{"stream:stdout:out1 out2", "execute_result::"}
	if strings.Join(got, "|") != strings.Join(wantOrder, "|") {
		t.Errorf("outputs in order %q, want %q", got, wantOrder)
	}
}

// TestEmptyCellsAreNotCounted: as in IPython, a cell of nothing but white
// space takes no execution count and no history entry.
func TestEmptyCellsAreNotCounted(t *testing.T) {
	_, c := startKernel(t)
	for _, code := range []string{"", "  \n\t\n"} {
		if e := c.execute(code); e.reply["status"] != "ok" || e.reply["execution_count"] != 0.0 {
			t.Errorf("empty cell %q: reply %v, want status ok, execution_count 0", code, e.reply)
		}
	}
	if e := c.execute("1"); e.reply["execution_count"] != 1.0 {
		t.Errorf("first non-empty cell: execution_count %v, want 1", e.reply["execution_count"])
	}
	rep := c.request(c.shell, "history_request", map[string]any{"output": false, "raw": true, "hist_access_type": "tail", "n": 10})
	if h, _ := rep["history"].([]any); len(h) != 1 {
		t.Errorf("history %v, want the one non-empty cell", rep["history"])
	}
}
