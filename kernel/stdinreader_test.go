package kernel

import (
	"strings"
	"testing"
	"time"

	"github.com/gostream/gostream/kernel/wire"
)

// TestStdinReaderAsksTheFrontEnd: a cell reading os.Stdin through a reader
// (bufio.NewReader(os.Stdin)) gets a line typed into the notebook, as
// fmt.Scanln does.
func TestStdinReaderAsksTheFrontEnd(t *testing.T) {
	_, c := startKernel(t)
	id := c.send(c.shell, "execute_request", map[string]any{
		"code":        "import (\n\t\"bufio\"\n\t\"os\"\n)\nline, err := bufio.NewReader(os.Stdin).ReadString('\\n')\nfmt.Printf(\"got %q %v\\n\", line, err)",
		"allow_stdin": true, "silent": false, "store_history": true,
	})
	type received struct {
		frames [][]byte
		err    error
	}
	got := make(chan received, 1)
	go func() {
		zm, err := c.stdin.Recv()
		got <- received{zm.Frames, err}
	}()
	var r received
	select {
	case r = <-got:
	case <-time.After(20 * time.Second):
		t.Fatal("no input_request: the cell did not ask the front end for its line")
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
	req, err := wire.Decode(r.frames, c.signer)
	if err != nil || req.Header.MsgType != "input_request" || req.Parent.MsgID != id {
		t.Fatalf("got %+v (%v), want an input_request for %s", req, err, id)
	}
	c.send(c.stdin, "input_reply", map[string]any{"value": "Ada"})
	reply := decodeContent(t, c.recvReply(c.shell, id))
	if reply["status"] != "ok" {
		t.Fatalf("reply %v", reply)
	}
	if m := c.waitFor(5*time.Second, func(m *wire.Message) bool {
		return m.Parent != nil && m.Parent.MsgID == id && strings.Contains(string(m.Content), `got \"Ada\\n\" \u003cnil\u003e`)
	}); m == nil {
		t.Error("no stream output with the typed line")
	}
}

// TestStdinNotAllowed: when the front end does not take input, a read of
// os.Stdin says so instead of looking like an empty input.
func TestStdinNotAllowed(t *testing.T) {
	_, c := startKernel(t)
	e := c.execute("import (\n\t\"bufio\"\n\t\"os\"\n)\n_, err := bufio.NewReader(os.Stdin).ReadString('\\n')\nfmt.Println(\"read:\", err)")
	if got := e.stream("stdout"); !strings.Contains(got, "read: kernel: the front end does not accept input for this cell") {
		t.Errorf("stdout %q; want the read to fail saying the front end does not accept input", got)
	}
}
