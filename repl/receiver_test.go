package repl

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReceiverErrorsShown: the shell turns the engine's batch log off, yet
// a SocketTextStream whose server refuses is reported on standard error as
// one "receiver error:" line, not one line per retry.
func TestReceiverErrorsShown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // nothing listens there any more: connections are refused

	cmd := exec.Command(binary)
	cmd.Env = append(os.Environ(), "GOSTREAM_HISTORY="+filepath.Join(t.TempDir(), "history"))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	fmt.Fprintf(stdin, `ssc := engine.NewStreamingContext("local[2]", "refused", engine.Milliseconds(50))
ssc.SocketTextStream("127.0.0.1", %d, engine.RestartDelay(time.Millisecond)).Count().Print()
ssc.Start()
`, port)

	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	want := fmt.Sprintf("receiver error: SocketTextStream(127.0.0.1:%d): connecting to 127.0.0.1:%d", port, port)
	select {
	case line := <-lines:
		if !strings.HasPrefix(line, want) || !strings.HasSuffix(line, "connection refused") {
			t.Fatalf("stderr line %q; want %q...connection refused", line, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no receiver error on stderr within 10s")
	}
	// The receiver retries every few milliseconds, backing off to 2s: in
	// the next second it fails about ten times more, all within the
	// reporting interval, so nothing more is shown.
	quiet := time.After(time.Second)
	for done := false; !done; {
		select {
		case line, ok := <-lines:
			if ok {
				t.Errorf("more on stderr: %q", line)
			}
		case <-quiet:
			done = true
		}
	}
	stdin.Close()
	go func() {
		for range lines {
		}
	}()
	if err := cmd.Wait(); err != nil {
		t.Errorf("gostream: %v", err)
	}
}
