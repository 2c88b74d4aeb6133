package engine

import (
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// lineServer is a real TCP server on 127.0.0.1 that sends each accepted
// connection the text given to serve.
type lineServer struct {
	ln    net.Listener
	conns chan net.Conn
}

func listen(t *testing.T, addr string) *lineServer {
	t.Helper()
	var ln net.Listener
	var err error
	// Re-binding a port just closed may need a moment.
	pollUntil(t, "listening on "+addr, func() bool {
		ln, err = net.Listen("tcp", addr)
		return err == nil
	})
	s := &lineServer{ln: ln, conns: make(chan net.Conn, 4)}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				close(s.conns)
				return
			}
			s.conns <- c
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return s
}

func (s *lineServer) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// next waits for the receiver's connection.
func (s *lineServer) next(t *testing.T) net.Conn {
	t.Helper()
	select {
	case c := <-s.conns:
		t.Cleanup(func() { c.Close() })
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("timed out waiting for the receiver to connect")
	}
	return nil
}

func TestSocketTextStream(t *testing.T) {
	srv := listen(t, "127.0.0.1:0")
	ssc := manualContext(t)
	var out syncBuffer
	ssc.SetOutput(&out)
	lines := ssc.SocketTextStream("127.0.0.1", srv.port())
	lines.FlatMap(strings.Fields).Map(WithOne).ReduceByKey(Sum, NumTasks(1)).Print()
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	c := srv.next(t)
	io.WriteString(c, "to be or\r\nnot to be\n\nthat is\n")
	pollUntil(t, "4 lines", func() bool { return buffered(lines) == 4 })
	if err := ssc.Advance(Seconds(1)); err != nil {
		t.Fatal(err)
	}
	want := "-------------------------------------------\nTime: 1000 ms\n-------------------------------------------\n" +
		"(to,2)\n(be,2)\n(or,1)\n(not,1)\n(that,1)\n(is,1)\n\n"
	if got := out.take(); got != want {
		t.Errorf("Print output:\n%s\nwant:\n%s", got, want)
	}
	if name := lines.Name(); name != fmt.Sprintf("SocketTextStream(127.0.0.1:%d)", srv.port()) {
		t.Errorf("stream name %q", name)
	}
}

func TestSocketReconnects(t *testing.T) {
	srv := listen(t, "127.0.0.1:0")
	addr := srv.ln.Addr().String()
	ssc := manualContext(t)
	errs := &errorLog{}
	ssc.AddStreamingListener(errs)
	lines := ssc.SocketTextStream("127.0.0.1", srv.port(), RestartDelay(5*time.Millisecond))
	got := collect(lines)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	c := srv.next(t)
	io.WriteString(c, "before 1\nbefore 2\n")
	pollUntil(t, "2 lines", func() bool { return buffered(lines) == 2 })
	// The server goes away entirely: connection and listener.
	c.Close()
	srv.ln.Close()
	pollUntil(t, "the lost connection reported", func() bool { return errs.has("connection to " + addr + " ended after 2 lines") })
	pollUntil(t, "a refused connection reported", func() bool { return errs.has("connecting to " + addr) })
	if err := ssc.Advance(Seconds(1)); err != nil {
		t.Fatal(err)
	}
	// It comes back on the same port.
	srv2 := listen(t, addr)
	c2 := srv2.next(t)
	io.WriteString(c2, "after 1\nafter 2\nafter 3")
	c2.Close() // the last line has no newline: it still counts
	pollUntil(t, "3 lines after reconnecting", func() bool { return buffered(lines) == 3 })
	if err := ssc.Advance(Seconds(1)); err != nil {
		t.Fatal(err)
	}
	if want := []any{"before 1", "before 2"}; !reflect.DeepEqual(got.elems(0), want) {
		t.Errorf("batch 1: got %v, want %v", got.elems(0), want)
	}
	if want := []any{"after 1", "after 2", "after 3"}; !reflect.DeepEqual(got.elems(1), want) {
		t.Errorf("batch 2: got %v, want %v", got.elems(1), want)
	}
	if err := ssc.Err(); err != nil {
		t.Errorf("the stream failed: %v", err)
	}
}

func TestSocketLineTooLong(t *testing.T) {
	srv := listen(t, "127.0.0.1:0")
	addr := srv.ln.Addr().String()
	ssc := manualContext(t)
	errs := &errorLog{}
	ssc.AddStreamingListener(errs)
	lines := ssc.SocketTextStream("127.0.0.1", srv.port(), MaxLineLength(16))
	got := collect(lines)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	c := srv.next(t)
	long := strings.Repeat("x", 200_000) // longer than the read buffer too
	io.WriteString(c, "short\n"+long+"\nexactly sixteen!\n"+strings.Repeat("y", 17)+"\r\nafter\n")
	pollUntil(t, "3 lines", func() bool { return buffered(lines) == 3 })
	pollUntil(t, "2 errors", func() bool { return len(errs.list()) == 2 })
	if err := ssc.Advance(Seconds(1)); err != nil {
		t.Fatal(err)
	}
	if want := []any{"short", "exactly sixteen!", "after"}; !reflect.DeepEqual(got.elems(0), want) {
		t.Errorf("got %q, want %q", got.elems(0), want)
	}
	e := errs.list()[0]
	var tooLong *LineTooLongError
	if !errors.As(e.Err, &tooLong) || tooLong.Max != 16 || tooLong.Addr != addr || tooLong.Length != 200_001 {
		t.Errorf("reported error %#v", e.Err)
	}
	wantMsg := "line from " + addr + " is longer than the maximum of 16 bytes (MaxLineLength); skipped it"
	if e.Msg != wantMsg {
		t.Errorf("message %q, want %q", e.Msg, wantMsg)
	}
}

func TestSocketRateLimitBackPressure(t *testing.T) {
	srv := listen(t, "127.0.0.1:0")
	ssc := manualContext(t)
	lines := ssc.SocketTextStream("127.0.0.1", srv.port(), MaxRate(5))
	got := collect(lines)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	c := srv.next(t)
	// Three lines first, stored while the bucket still holds two tokens;
	// the rest then arrive together, and the receiver must store the two it
	// may rather than wait for tokens for all it read.
	fmt.Fprint(c, "line 0\nline 1\nline 2\n")
	pollUntil(t, "3 lines", func() bool { return buffered(lines) == 3 })
	go func() {
		for i := 3; i < 12; i++ {
			fmt.Fprintf(c, "line %d\n", i)
		}
	}()
	for _, n := range []int{5, 5, 2} {
		pollUntil(t, fmt.Sprintf("%d lines", n), func() bool { return buffered(lines) == n })
		if err := ssc.Advance(Seconds(1)); err != nil {
			t.Fatal(err)
		}
	}
	if want := []int{5, 5, 2}; !reflect.DeepEqual(got.counts(), want) {
		t.Fatalf("lines per batch: got %v, want %v", got.counts(), want)
	}
}

// BenchmarkSocketTextStream measures lines received per second from a real
// TCP connection on 127.0.0.1, with the batches taken as they fill.
func BenchmarkSocketTextStream(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	const line = "the quick brown fox jumps over the lazy dog again and again\n"
	ssc := NewStreamingContext("local[2]", "bench", Seconds(1), WithManualClock(), WithBatchLog(nil))
	defer ssc.Stop(false)
	lines := ssc.SocketTextStream("127.0.0.1", ln.Addr().(*net.TCPAddr).Port)
	var got int
	lines.ForeachRDD(func(r *RDD) { got += r.Count() })
	if err := ssc.Start(); err != nil {
		b.Fatal(err)
	}
	c, err := ln.Accept()
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	b.SetBytes(int64(len(line)))
	b.ResetTimer()
	go func() {
		chunk := []byte(strings.Repeat(line, 1000))
		for sent := 0; sent < b.N; sent += 1000 {
			n := min(1000, b.N-sent)
			if _, err := c.Write(chunk[:n*len(line)]); err != nil {
				return
			}
		}
	}()
	src := receiverOf(lines)
	for got < b.N {
		n := src.src.Buffered()
		if n >= 100_000 || got+n == b.N {
			ssc.Advance(Seconds(1))
		} else {
			time.Sleep(100 * time.Microsecond)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// With a write-ahead log, lines are logged (and synced) a chunk at a time,
// not one by one: a burst of lines makes a few log entries.
func TestSocketStoresChunksInTheLog(t *testing.T) {
	srv := listen(t, "127.0.0.1:0")
	ckpt := t.TempDir()
	ssc := manualContext(t)
	ssc.Checkpoint(ckpt)
	lines := ssc.SocketTextStream("127.0.0.1", srv.port())
	got := collect(lines)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	c := srv.next(t)
	const n = 3000
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	go c.Write([]byte(b.String()))
	pollUntil(t, fmt.Sprintf("%d lines", n), func() bool { return buffered(lines) == n })

	segs, err := filepath.Glob(filepath.Join(ckpt, "wal", "*", "*.log"))
	if err != nil || len(segs) == 0 {
		t.Fatalf("no log segments under %s (%v)", ckpt, err)
	}
	entries, logged := 0, 0
	for _, seg := range segs {
		var first uint64
		fmt.Sscanf(filepath.Base(seg), "%020d.log", &first)
		if _, err := readSegment(seg, first, func(_ uint64, xs []any) { entries++; logged += len(xs) }); err != nil {
			t.Fatal(err)
		}
	}
	if logged != n || entries > 30 {
		t.Fatalf("%d lines logged in %d entries, want %d lines in a few entries", logged, entries, n)
	}
	if err := ssc.Advance(Seconds(1)); err != nil {
		t.Fatal(err)
	}
	if counts := got.counts(); len(counts) != 1 || counts[0] != n {
		t.Fatalf("lines per batch: %v", counts)
	}
}
