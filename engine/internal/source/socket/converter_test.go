package socket

import (
	"bufio"
	"errors"
	"io"
	"net"
	"reflect"
	"testing"

	"github.com/gostream/gostream/engine/internal/source/receiver"
)

// serveOnce accepts connections on a local port and writes text to each.
func serveOnce(t *testing.T, text string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			io.WriteString(c, text)
			c.Close()
		}
	}()
	return ln.Addr().String()
}

// TestConverterStoresAndRestarts: the records Convert stores reach the
// source, and a connection that ends restarts the receiver, reported as
// closed; a failing Convert is reported with its error.
func TestConverterStoresAndRestarts(t *testing.T) {
	addr := serveOnce(t, "a\nb\n")
	conv := func(r io.Reader, store func(any) error) error {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if err := store(sc.Text()); err != nil {
				return err
			}
		}
		return nil
	}
	c := &Converter{Addr: addr, Convert: conv}
	var rep reports
	s := receiver.New(receiver.Config{MaxBuffered: 1000, RestartDelay: 1e9}, receiver.Hooks{OnStart: c.OnStart, OnStop: c.OnStop, Report: rep.add})
	s.Start(nil)
	t.Cleanup(s.Stop)
	checkFor(t, "the connection closed", func() bool { return rep.has("restarting: connection to " + addr + " closed") })
	got, err := s.Allocate(1)
	if err != nil || !reflect.DeepEqual(got, []any{"a", "b"}) {
		t.Fatalf("Allocate = %v, %v; want [a b]", got, err)
	}

	boom := errors.New("boom")
	var rep2 reports
	bad := &Converter{Addr: addr, Convert: func(io.Reader, func(any) error) error { panic(boom) }}
	s2 := receiver.New(receiver.Config{MaxBuffered: 1000, RestartDelay: 1e9}, receiver.Hooks{OnStart: bad.OnStart, OnStop: bad.OnStop, Report: rep2.add})
	s2.Start(nil)
	t.Cleanup(s2.Stop)
	checkFor(t, "the conversion failed", func() bool { return rep2.has("restarting: converting the data from " + addr) })
}

// TestConverterStoreError: Store turns the context's store error into the
// caller's, which Convert sees once the receiver is stopped.
func TestConverterStoreError(t *testing.T) {
	addr := serveOnce(t, "x\n")
	mine := errors.New("mine")
	seen := make(chan error, 1)
	closed := make(chan struct{})
	c := &Converter{Addr: addr, Store: func(err error) error {
		if errors.Is(err, receiver.ErrStopped) {
			return mine
		}
		return err
	}, Convert: func(r io.Reader, store func(any) error) error {
		<-closed
		seen <- store("late")
		return nil
	}}
	s := receiver.New(receiver.Config{MaxBuffered: 1000}, receiver.Hooks{OnStart: c.OnStart, OnStop: func() { close(closed); c.OnStop() }, Report: func(string, error) {}})
	s.Start(nil)
	s.Stop()
	if err := <-seen; err != mine {
		t.Fatalf("store after stop = %v, want the caller's error", err)
	}
}
