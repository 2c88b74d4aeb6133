package kernel

import (
	be "encoding/binary"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gostream/gostream/kernel/wire"
)

// zmtpGreeting is a ZMTP 3.0 greeting for the NULL mechanism, as a client.
func zmtpGreeting() []byte {
	g := make([]byte, 64)
	g[0], g[9] = 0xff, 0x7f
	g[10], g[11] = 3, 0
	copy(g[12:32], "NULL")
	return g
}

// zmtpReady is the NULL mechanism's READY command of a socket of type typ.
func zmtpReady(typ string) []byte {
	body := []byte{5}
	body = append(body, "READY"...)
	prop := func(name, value string) {
		body = append(body, byte(len(name)))
		body = append(body, name...)
		body = be.BigEndian.AppendUint32(body, uint32(len(value)))
		body = append(body, value...)
	}
	prop("Socket-Type", typ)
	prop("Identity", "")
	return append([]byte{0x04, byte(len(body))}, body...)
}

// TestHugeFrameHeaderDoesNotKillTheKernel: a local process without the key
// opens a raw TCP connection to the shell port, completes the ZMTP handshake
// and sends a frame header announcing 1 TiB (or announces 1 TiB in place of
// its READY command). The kernel closes that connection without allocating
// the frame, and still answers.
func TestHugeFrameHeaderDoesNotKillTheKernel(t *testing.T) {
	k, c := startKernel(t)
	info := k.Info()
	for _, peer := range []struct {
		port      int
		typ       string
		handshake bool
	}{
		{info.ShellPort, "DEALER", true},
		{info.ControlPort, "DEALER", true},
		{info.StdinPort, "DEALER", false},
		{info.IOPubPort, "SUB", true},
		{info.HBPort, "REQ", true},
	} {
		port := peer.port
		conn, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.Write(zmtpGreeting()); err != nil {
			t.Fatal(err)
		}
		// The kernel's greeting, then its READY command.
		theirs := make([]byte, 64)
		if _, err := io.ReadFull(conn, theirs); err != nil {
			t.Fatalf("port %d: reading the greeting: %v", port, err)
		}
		// A long frame (flag 0x02) of 1 TiB, and a few bytes of it; or,
		// without the handshake, a long command (flags 0x06) of 1 TiB.
		hdr := be.BigEndian.AppendUint64([]byte{0x06}, 1<<40)
		if peer.handshake {
			if _, err := conn.Write(zmtpReady(peer.typ)); err != nil {
				t.Fatal(err)
			}
			hdr = be.BigEndian.AppendUint64([]byte{0x02}, 1<<40)
		}
		if _, err := conn.Write(append(hdr, "not a tebibyte"...)); err != nil {
			t.Fatal(err)
		}
		// The kernel hangs up: reading ends (after its READY) in EOF or a reset.
		conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		_, err = io.Copy(io.Discard, conn)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("port %d: the kernel kept the connection that announced 1 TiB open", port)
		}
	}
	if got := resultText(c.execute("1 + 2")); got != "3" {
		t.Errorf("1 + 2 after the hostile connections = %q, want 3", got)
	}
}

// TestShutdownEndsAKernelWithAStuckBatch: a shutdown_request ends the kernel
// even when a batch runs user code that never returns, as SIGTERM does.
func TestShutdownEndsAKernelWithAStuckBatch(t *testing.T) {
	k, c := startKernel(t)
	start := c.execute(`
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
	if rep := c.request(c.control, "shutdown_request", map[string]any{"restart": false}); rep["status"] != "ok" {
		t.Fatalf("shutdown_reply %v", rep)
	}
	select {
	case <-k.Done():
	case <-time.After(ShutdownTimeout + 30*time.Second):
		t.Fatal("the kernel still runs after a shutdown_request with a batch stuck in user code")
	}
}
