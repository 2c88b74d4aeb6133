package kernel

import (
	"context"
	"encoding/json"
	"io"
	"log"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/gostream/gostream/kernel/wire"
	"github.com/gostream/gostream/repl/session"
)

// testClient is a Jupyter front end on real ZeroMQ sockets, as
// jupyter_client's: DEALER shell, control and stdin, SUB iopub.
type testClient struct {
	t       *testing.T
	signer  wire.Signer
	session string
	shell   zmq4.Socket
	control zmq4.Socket
	stdin   zmq4.Socket

	mu     sync.Mutex
	cond   *sync.Cond
	iopub  []*wire.Message // every iopub message received, in order
	closed bool
}

// startKernel runs a kernel on the real session in this process and
// connects a client to it.
func startKernel(t *testing.T) (*Kernel, *testClient) {
	t.Helper()
	info := wire.ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", Key: "test-key", SignatureScheme: "hmac-sha256"}
	k, err := Start(Config{
		Conn: info,
		NewEvaluator: func(stdin io.Reader) (Evaluator, error) {
			s, err := session.New(session.Options{Stdout: io.Discard, Stderr: io.Discard, Stdin: stdin})
			if err != nil {
				return nil, err
			}
			return NewSessionEvaluator(s), nil
		},
		HistoryFile: "",
		Log:         log.New(testLogWriter{t}, "kernel: ", 0),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	return k, connect(t, k.Info())
}

type testLogWriter struct{ t *testing.T }

func (w testLogWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func connect(t *testing.T, info wire.ConnectionInfo) *testClient {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c := &testClient{t: t, signer: wire.NewSigner(info.Key), session: wire.NewID()}
	c.cond = sync.NewCond(&c.mu)
	id := zmq4.WithID(zmq4.SocketIdentity(c.session))
	c.shell = zmq4.NewDealer(ctx, id)
	c.control = zmq4.NewDealer(ctx, id)
	c.stdin = zmq4.NewDealer(ctx, id)
	sub := zmq4.NewSub(ctx)
	for _, d := range []struct {
		s    zmq4.Socket
		port int
	}{{c.shell, info.ShellPort}, {c.control, info.ControlPort}, {c.stdin, info.StdinPort}, {sub, info.IOPubPort}} {
		if err := d.s.Dial(info.Endpoint(d.port)); err != nil {
			t.Fatal(err)
		}
	}
	if err := sub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			zm, err := sub.Recv()
			if err != nil {
				c.mu.Lock()
				c.closed = true
				c.cond.Broadcast()
				c.mu.Unlock()
				return
			}
			m, err := wire.Decode(zm.Frames, c.signer)
			if err != nil {
				t.Errorf("iopub message failed to decode: %v", err)
				continue
			}
			c.mu.Lock()
			c.iopub = append(c.iopub, m)
			c.cond.Broadcast()
			c.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		for _, s := range []zmq4.Socket{c.shell, c.control, c.stdin, sub} {
			s.Close()
		}
		cancel()
	})
	// PUB drops what it sends before the subscription arrives: ask for
	// kernel_info until its status messages come through, as jupyter_client does.
	deadline := time.Now().Add(10 * time.Second)
	for {
		id := c.send(c.shell, "kernel_info_request", map[string]any{})
		c.recvReply(c.shell, id)
		if c.waitIOPub(id, "status", 300*time.Millisecond) != nil {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatal("iopub never delivered a status message")
		}
	}
}

func (c *testClient) send(sock zmq4.Socket, msgType string, content any) string {
	c.t.Helper()
	m, err := wire.NewMessage(msgType, nil, content)
	if err != nil {
		c.t.Fatal(err)
	}
	m.Header.Session = c.session
	frames, err := wire.Encode(m, c.signer)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := sock.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
		c.t.Fatal(err)
	}
	return m.Header.MsgID
}

// recvReply returns the next message on sock, which must answer id.
func (c *testClient) recvReply(sock zmq4.Socket, id string) *wire.Message {
	c.t.Helper()
	type res struct {
		m   *wire.Message
		err error
	}
	ch := make(chan res, 1)
	go func() {
		zm, err := sock.Recv()
		if err != nil {
			ch <- res{nil, err}
			return
		}
		m, err := wire.Decode(zm.Frames, c.signer)
		ch <- res{m, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			c.t.Fatal(r.err)
		}
		if r.m.Parent == nil || r.m.Parent.MsgID != id {
			c.t.Fatalf("reply %s answers %+v, want %s", r.m.Header.MsgType, r.m.Parent, id)
		}
		return r.m
	case <-time.After(30 * time.Second):
		c.t.Fatalf("no reply to %s within 30s", id)
		return nil
	}
}

// request sends a request on sock and returns its reply's content.
func (c *testClient) request(sock zmq4.Socket, msgType string, content any) map[string]any {
	c.t.Helper()
	id := c.send(sock, msgType, content)
	return decodeContent(c.t, c.recvReply(sock, id))
}

func decodeContent(t *testing.T, m *wire.Message) map[string]any {
	t.Helper()
	var content map[string]any
	if err := json.Unmarshal(m.Content, &content); err != nil {
		t.Fatal(err)
	}
	return content
}

// waitIOPub waits up to d for an iopub message of msgType answering id
// (any type when msgType is "") and returns it, or nil.
func (c *testClient) waitIOPub(id, msgType string, d time.Duration) *wire.Message {
	return c.waitFor(d, func(m *wire.Message) bool {
		return m.Parent != nil && m.Parent.MsgID == id && (msgType == "" || m.Header.MsgType == msgType)
	})
}

// waitFor waits up to d for a received iopub message matching ok.
func (c *testClient) waitFor(d time.Duration, ok func(*wire.Message) bool) *wire.Message {
	timer := time.AfterFunc(d, func() {
		c.mu.Lock()
		c.cond.Broadcast()
		c.mu.Unlock()
	})
	defer timer.Stop()
	deadline := time.Now().Add(d)
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		for _, m := range c.iopub {
			if ok(m) {
				return m
			}
		}
		if c.closed || !time.Now().Before(deadline) {
			return nil
		}
		c.cond.Wait()
	}
}

// waitIdle waits for the idle status that ends the handling of request id.
func (c *testClient) waitIdle(id string) {
	c.t.Helper()
	if c.waitFor(30*time.Second, func(m *wire.Message) bool {
		return m.Parent != nil && m.Parent.MsgID == id && m.Header.MsgType == "status" && strings.Contains(string(m.Content), "idle")
	}) == nil {
		c.t.Fatalf("no idle status for request %s", id)
	}
}

// outputs returns the iopub messages answering id, in order.
func (c *testClient) outputs(id string) []*wire.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*wire.Message
	for _, m := range c.iopub {
		if m.Parent != nil && m.Parent.MsgID == id {
			out = append(out, m)
		}
	}
	return out
}

// executed is a cell run to its idle status.
type executed struct {
	id      string
	reply   map[string]any
	outputs []*wire.Message // between busy and idle, execute_input excluded
}

func (e executed) stream(name string) string {
	var b strings.Builder
	for _, m := range e.outputs {
		if m.Header.MsgType == "stream" {
			var s struct{ Name, Text string }
			json.Unmarshal(m.Content, &s)
			if s.Name == name {
				b.WriteString(s.Text)
			}
		}
	}
	return b.String()
}

func (e executed) ofType(msgType string) []*wire.Message {
	var out []*wire.Message
	for _, m := range e.outputs {
		if m.Header.MsgType == msgType {
			out = append(out, m)
		}
	}
	return out
}

// execute runs code and waits for its reply and idle status.
func (c *testClient) execute(code string, extra ...map[string]any) executed {
	c.t.Helper()
	content := map[string]any{"code": code, "silent": false, "store_history": true, "allow_stdin": false, "stop_on_error": true, "user_expressions": map[string]any{}}
	for _, e := range extra {
		for k, v := range e {
			content[k] = v
		}
	}
	id := c.send(c.shell, "execute_request", content)
	reply := decodeContent(c.t, c.recvReply(c.shell, id))
	c.waitIdle(id)
	e := executed{id: id, reply: reply}
	for _, m := range c.outputs(id) {
		if m.Header.MsgType == "status" && strings.Contains(string(m.Content), "idle") {
			break
		}
		if m.Header.MsgType != "status" && m.Header.MsgType != "execute_input" {
			e.outputs = append(e.outputs, m)
		}
	}
	return e
}
