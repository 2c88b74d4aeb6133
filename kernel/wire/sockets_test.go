package wire

import (
	"bytes"
	"context"
	"errors"
	"log"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
)

// syncBuffer is a log destination safe for concurrent writes and reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func listenLocal(t *testing.T, key string) (*Sockets, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	s, err := Listen(ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", Key: key, SignatureScheme: "hmac-sha256"},
		log.New(logs, "", 0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, logs
}

func dial(t *testing.T, typ func(context.Context, ...zmq4.Option) zmq4.Socket, endpoint string) zmq4.Socket {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	sock := typ(ctx, zmq4.WithID(zmq4.SocketIdentity("client-"+endpoint)), zmq4.WithTimeout(5*time.Second))
	if err := sock.Dial(endpoint); err != nil {
		cancel()
		t.Fatalf("dial %s: %v", endpoint, err)
	}
	t.Cleanup(func() { sock.Close(); cancel() })
	return sock
}

// recvWithin returns the next message on ch, failing the test after d.
func recvWithin(t *testing.T, s *Sockets, ch Channel, d time.Duration) *Message {
	t.Helper()
	got := make(chan *Message, 1)
	go func() {
		m, err := s.Recv(ch)
		if err == nil {
			got <- m
		}
	}()
	select {
	case m := <-got:
		return m
	case <-time.After(d):
		t.Fatalf("no message on %s within %v", ch, d)
		return nil
	}
}

func TestForgedMessageIsDroppedAndLogged(t *testing.T) {
	s, logs := listenLocal(t, "the-key")
	client := dial(t, zmq4.NewDealer, s.Info().Endpoint(s.Info().ShellPort))

	forged := signedFrames(t, NewSigner("not-the-key"), nil,
		strings.Replace(testHeader, "m1", "forged", 1), `{}`, `{}`, `{"code":"rm -rf"}`)
	unsigned := signedFrames(t, Signer{}, nil, strings.Replace(testHeader, "m1", "unsigned", 1), `{}`, `{}`, `{}`)
	genuine := signedFrames(t, NewSigner("the-key"), nil, testHeader, `{}`, `{}`, `{"code":"1"}`)
	for _, f := range [][][]byte{forged, unsigned, genuine} {
		if err := client.SendMulti(zmq4.NewMsgFrom(f...)); err != nil {
			t.Fatal(err)
		}
	}
	// Messages on one connection arrive in order: the first one Recv returns
	// must be the genuine one, the two before it dropped.
	m := recvWithin(t, s, Shell, 5*time.Second)
	if m.Header.MsgID != "m1" {
		t.Fatalf("got message %q, want the genuinely signed m1", m.Header.MsgID)
	}
	out := logs.String()
	for _, want := range []string{"dropped a message on shell: wire: bad signature", "dropped a message on shell: wire: missing signature"} {
		if !strings.Contains(out, want) {
			t.Errorf("log %q does not contain %q", out, want)
		}
	}

	// A reply reaches the client that asked, with a valid signature.
	reply, err := NewMessage("execute_reply", m, map[string]any{"status": "ok"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(Shell, reply); err != nil {
		t.Fatal(err)
	}
	zm, err := client.Recv()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(zm.Frames, NewSigner("the-key"))
	if err != nil {
		t.Fatalf("decoding the kernel's reply: %v", err)
	}
	if back.Parent == nil || back.Parent.MsgID != "m1" || back.Header.Session != s.Session() {
		t.Errorf("reply parent %+v session %q, want parent m1 and session %q", back.Parent, back.Header.Session, s.Session())
	}
}

func TestHeartbeatEchoes(t *testing.T) {
	s, _ := listenLocal(t, "k")
	req := dial(t, zmq4.NewReq, s.Info().Endpoint(s.Info().HBPort))
	for _, ping := range []string{"ping", "again"} {
		if err := req.Send(zmq4.NewMsgString(ping)); err != nil {
			t.Fatal(err)
		}
		got, err := req.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if string(got.Bytes()) != ping {
			t.Errorf("heartbeat: got %q, want %q", got.Bytes(), ping)
		}
	}
}

func TestIOPubTopicAndSignature(t *testing.T) {
	s, _ := listenLocal(t, "k")
	sub := dial(t, zmq4.NewSub, s.Info().Endpoint(s.Info().IOPubPort))
	if err := sub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		t.Fatal(err)
	}
	// PUB drops messages sent before the subscription arrives; publish until
	// one is received, as Jupyter clients do with kernel_info.
	received := make(chan zmq4.Msg, 1)
	go func() {
		if m, err := sub.Recv(); err == nil {
			received <- m
		}
	}()
	parent := &Message{Identities: [][]byte{[]byte("shell-client")}, Header: Header{MsgID: "p1"}}
	deadline := time.After(5 * time.Second)
	for {
		m, _ := NewMessage("status", parent, map[string]string{"execution_state": "idle"})
		if err := s.Send(IOPub, m); err != nil {
			t.Fatal(err)
		}
		select {
		case zm := <-received:
			if !strings.HasPrefix(string(zm.Frames[0]), "kernel.") || !strings.HasSuffix(string(zm.Frames[0]), ".status") {
				t.Errorf("topic frame %q, want kernel.<session>.status (never the shell identity)", zm.Frames[0])
			}
			got, err := Decode(zm.Frames, NewSigner("k"))
			if err != nil {
				t.Fatal(err)
			}
			if got.Parent == nil || got.Parent.MsgID != "p1" {
				t.Errorf("parent %+v, want p1", got.Parent)
			}
			return
		case <-deadline:
			t.Fatal("no iopub message within 5s")
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func TestRecvAfterClose(t *testing.T) {
	s, _ := listenLocal(t, "k")
	errc := make(chan error, 1)
	go func() { _, err := s.Recv(Control); errc <- err }()
	s.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, ErrClosed) {
			t.Errorf("Recv after Close: got %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Recv did not return after Close")
	}
}

func TestParseConnectionInfo(t *testing.T) {
	for _, tc := range []struct {
		name, json, wantErr string
	}{
		{"jupyter", `{"shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5,"ip":"127.0.0.1","key":"k","transport":"tcp","signature_scheme":"hmac-sha256","kernel_name":"gostream"}`, ""},
		{"bad scheme", `{"signature_scheme":"hmac-md5"}`, `signature_scheme "hmac-md5": only hmac-sha256`},
		{"bad port", `{"shell_port":70000}`, "shell_port 70000"},
		{"bad transport", `{"transport":"udp"}`, `transport "udp"`},
		{"not json", `{`, "unexpected end of JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			info, err := ParseConnectionInfo([]byte(tc.json))
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if info.Endpoint(info.ShellPort) != "tcp://127.0.0.1:1" || info.Key != "k" {
					t.Errorf("got %+v", info)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("got error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}
