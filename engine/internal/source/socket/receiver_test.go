package socket

import (
	"errors"
	"fmt"
	"net"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gostream/gostream/engine/internal/source/receiver"
)

// checkFor polls cond until it holds, failing after 10 s.
func checkFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

type reports struct {
	mu   sync.Mutex
	msgs []string
	errs []error
}

func (r *reports) add(msg string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, msg)
	r.errs = append(r.errs, err)
}

func (r *reports) has(prefix string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range r.msgs {
		if strings.HasPrefix(m, prefix) {
			return true
		}
	}
	return false
}

// start runs r on a Source, reporting to rep.
func start(t *testing.T, r *Receiver, rep *reports) *receiver.Source {
	t.Helper()
	s := receiver.New(receiver.Config{MaxBuffered: 1000}, receiver.Hooks{OnStart: r.OnStart, OnStop: r.OnStop, Report: rep.add})
	s.Start(nil)
	t.Cleanup(s.Stop)
	return s
}

// TestReceiverReadsAndReconnects serves two connections: the first ends
// after two lines, the second stays open; the receiver stores the lines of
// both, reports the end of the first, and its Stop ends the second.
func TestReceiverReadsAndReconnects(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	second := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		c.Write([]byte("a\r\nb\n"))
		c.Close()
		if c, err = ln.Accept(); err != nil {
			return
		}
		c.Write([]byte("c\n"))
		second <- c
	}()
	addr := ln.Addr().String()
	rep := &reports{}
	s := start(t, &Receiver{Addr: addr, MaxLine: 10, Delay: time.Millisecond}, rep)
	var got []any
	checkFor(t, "three lines", func() bool {
		xs, _ := s.Allocate(0)
		got = append(got, xs...)
		return len(got) >= 3
	})
	if !reflect.DeepEqual(got, []any{"a", "b", "c"}) {
		t.Errorf("lines %v, want a b c", got)
	}
	if want := fmt.Sprintf("connection to %s ended after 2 lines", addr); !rep.has(want) {
		t.Errorf("reports %q, want one starting %q", rep.msgs, want)
	}
	c := <-second
	defer c.Close()
	s.Stop() // closes the open connection and waits for the reading to end
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Error("the receiver's connection is still open after Stop")
	}
}

func TestReceiverReportsRefusedAndTooLong(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: connecting fails and is retried
	rep := &reports{}
	tooLong := errors.New("too long")
	s := start(t, &Receiver{Addr: addr, MaxLine: 3, Delay: time.Millisecond, TooLong: func(n int) error {
		return fmt.Errorf("%w: %d bytes", tooLong, n)
	}}, rep)
	checkFor(t, "a refused connection reported", func() bool { return rep.has("connecting to " + addr) })

	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("listening on %s again: %v", addr, err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.Write([]byte("long\nok\n"))
		time.Sleep(time.Second)
	}()
	var got []any
	checkFor(t, "the short line", func() bool {
		xs, _ := s.Allocate(0)
		got = append(got, xs...)
		return len(got) > 0
	})
	if !reflect.DeepEqual(got, []any{"ok"}) {
		t.Errorf("lines %v, want only ok", got)
	}
	rep.mu.Lock()
	defer rep.mu.Unlock()
	found := false
	for i, m := range rep.msgs {
		if strings.HasPrefix(m, "line from "+addr+" is longer than the maximum of 3 bytes") {
			found = true
			if err := rep.errs[i]; !errors.Is(err, tooLong) || !strings.HasSuffix(err.Error(), ": 5 bytes") {
				t.Errorf("too long line reported with %v, want TooLong's error for 5 bytes", err)
			}
		}
	}
	if !found {
		t.Errorf("reports %q, no line too long", rep.msgs)
	}
}
