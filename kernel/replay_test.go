package kernel

import (
	"testing"

	"github.com/go-zeromq/zmq4"
	"github.com/gostream/gostream/kernel/wire"
)

// TestReplayedMessageRunsOnce: a signed execute_request sent a second time
// with the same frames (a replay) is dropped, so its code runs only once.
func TestReplayedMessageRunsOnce(t *testing.T) {
	_, c := startKernel(t)
	if got := c.execute("runs := 0"); got.reply["status"] != "ok" {
		t.Fatalf("declaring runs: %v", got.reply)
	}
	m, err := wire.NewMessage("execute_request", nil, map[string]any{"code": "runs++", "silent": false})
	if err != nil {
		t.Fatal(err)
	}
	m.Header.Session = c.session
	frames, err := wire.Encode(m, c.signer)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if err := c.shell.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
			t.Fatal(err)
		}
	}
	if rep := decodeContent(t, c.recvReply(c.shell, m.Header.MsgID)); rep["status"] != "ok" {
		t.Fatalf("execute_reply %v", rep)
	}
	// Messages on one connection arrive in order: had the replay run, its
	// reply would come before this cell's and recvReply would fail.
	if got := resultText(c.execute("runs")); got != "1" {
		t.Errorf("runs = %s after a message and its replay, want 1", got)
	}
}
