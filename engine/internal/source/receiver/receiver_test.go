package receiver

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/gostream/gostream/engine/internal/wal"
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

// events records what a Source's hooks hear, and hands out the contexts
// OnStart got.
type events struct {
	mu   sync.Mutex
	log  []string
	ctxs chan *Context
}

func (e *events) add(format string, args ...any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.log = append(e.log, fmt.Sprintf(format, args...))
}

func (e *events) got() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.log...)
}

func newSource(cfg Config) (*Source, *events) {
	e := &events{ctxs: make(chan *Context, 10)}
	s := New(cfg, Hooks{
		OnStart: func(c *Context) { e.add("OnStart"); e.ctxs <- c },
		OnStop:  func() { e.add("OnStop") },
		Report:  func(msg string, err error) { e.add("report %s: %v", msg, err) },
	})
	return s, e
}

func TestAllocatePerBatch(t *testing.T) {
	s, e := newSource(Config{MaxBuffered: 100})
	s.Start(nil)
	c := <-e.ctxs
	sink := &fakeSink{}
	s.SetSink(sink)
	tests := []struct {
		name  string
		store [][]any
		want  []any
	}{
		{"two stores", [][]any{{"a", "b"}, {"c"}}, []any{"a", "b", "c"}},
		{"nothing stored", nil, nil},
		{"one record", [][]any{{"d"}}, []any{"d"}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, xs := range tc.store {
				if len(xs) == 1 {
					if err := c.Store(xs[0]); err != nil {
						t.Fatal(err)
					}
				} else if err := c.StoreAll(xs); err != nil {
					t.Fatal(err)
				}
			}
			got, err := s.Allocate(int64(1000 * (i + 1)))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("batch %d: got %v, want %v", i, got, tc.want)
			}
		})
	}
	want := []string{"store 0 [a b]", "store 2 [c]", "allocated 1000 [0,3)", "store 3 [d]", "allocated 3000 [3,4)"}
	if !reflect.DeepEqual(sink.calls, want) {
		t.Errorf("sink calls:\n got %q\nwant %q", sink.calls, want)
	}
	if n := s.NextSequence(); n != 4 {
		t.Errorf("next sequence %d, want 4", n)
	}
	s.Stop()
	if got := e.got(); !reflect.DeepEqual(got, []string{"OnStart", "OnStop"}) {
		t.Errorf("hooks: %q", got)
	}
}

func TestRestart(t *testing.T) {
	s, e := newSource(Config{MaxBuffered: 100, RestartDelay: time.Millisecond})
	s.Start(nil)
	first := <-e.ctxs
	if err := first.Store("before"); err != nil {
		t.Fatal(err)
	}
	first.Restart("lost the connection", errors.New("EOF"))
	second := <-e.ctxs
	if !first.Closed() || second.Closed() {
		t.Fatalf("after a restart the old context is closed %v, the new one %v", first.Closed(), second.Closed())
	}
	if err := first.Store("old"); err != ErrStopped {
		t.Errorf("Store on the old context: %v, want ErrStopped", err)
	}
	first.Restart("again", nil) // a closed context restarts nothing
	if err := second.Store("after"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Allocate(1000); !reflect.DeepEqual(got, []any{"before", "after"}) {
		t.Errorf("batch across the restart: %v", got)
	}
	s.Stop()
	want := []string{"OnStart", "report restarting: lost the connection: EOF", "OnStop", "OnStart", "OnStop"}
	if got := e.got(); !reflect.DeepEqual(got, want) {
		t.Errorf("hooks:\n got %q\nwant %q", got, want)
	}
}

func TestStopDuringRestartDelay(t *testing.T) {
	s, e := newSource(Config{MaxBuffered: 100, RestartDelay: time.Hour})
	s.Start(nil)
	c := <-e.ctxs
	c.Restart("flaky", nil)
	checkFor(t, "OnStop of the restart", func() bool { return len(e.got()) == 3 })
	s.Stop() // does not wait for the delay, calls no OnStart or OnStop more
	if got := e.got(); !reflect.DeepEqual(got, []string{"OnStart", "report restarting: flaky: <nil>", "OnStop"}) {
		t.Errorf("hooks: %q", got)
	}
}

func TestGracefulStopKeepsStoredRecords(t *testing.T) {
	s, e := newSource(Config{MaxBuffered: 100})
	s.Start(nil)
	c := <-e.ctxs
	if err := c.StoreAll([]any{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	s.Stop()
	if err := c.Store(4); err != ErrStopped {
		t.Errorf("Store after Stop: %v, want ErrStopped", err)
	}
	if !s.Pending() {
		t.Fatal("stored records are not pending after Stop")
	}
	if got, _ := s.Allocate(1000); !reflect.DeepEqual(got, []any{1, 2, 3}) {
		t.Errorf("the batch after Stop: %v", got)
	}
	if s.Pending() {
		t.Error("still pending after the last batch took the records")
	}
}

func TestMaxBufferedBlocksStore(t *testing.T) {
	s, e := newSource(Config{MaxBuffered: 3})
	s.Start(nil)
	c := <-e.ctxs
	if err := c.StoreAll([]any{1, 2}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.StoreAll([]any{3, 4}) }()
	select {
	case err := <-done:
		t.Fatalf("StoreAll past the bound returned %v without waiting", err)
	case <-time.After(50 * time.Millisecond):
	}
	if got, _ := s.Allocate(1000); !reflect.DeepEqual(got, []any{1, 2}) {
		t.Errorf("first batch %v", got)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Allocate(2000); !reflect.DeepEqual(got, []any{3, 4}) {
		t.Errorf("second batch %v", got)
	}
	// A store larger than the bound goes in once the buffer is empty.
	if err := c.StoreAll([]any{5, 6, 7, 8}); err != nil {
		t.Fatal(err)
	}
	// Stopping releases a blocked store.
	go func() { done <- c.Store(9) }()
	time.Sleep(10 * time.Millisecond)
	s.Stop()
	if err := <-done; err != ErrStopped {
		t.Errorf("blocked Store after Stop: %v, want ErrStopped", err)
	}
}

func TestSinkErrorFailsTheStore(t *testing.T) {
	s, e := newSource(Config{MaxBuffered: 100})
	s.Start(nil)
	defer s.Stop()
	c := <-e.ctxs
	disk := errors.New("disk full")
	s.SetSink(&fakeSink{err: disk})
	err := c.StoreAll([]any{"a", "b"})
	var le *LogError
	if !errors.As(err, &le) || le.Records != 2 || !errors.Is(err, disk) {
		t.Fatalf("StoreAll with a failing sink: %v, want a *LogError of 2 records wrapping %v", err, disk)
	}
	if s.Buffered() != 0 || s.NextSequence() != 0 {
		t.Errorf("records kept after a failed store: %d buffered, next sequence %d", s.Buffered(), s.NextSequence())
	}
}

func TestPanicsAreReported(t *testing.T) {
	var mu sync.Mutex
	var reports []string
	s := New(Config{MaxBuffered: 1}, Hooks{
		OnStart: func(*Context) { panic("start") },
		OnStop:  func() { panic("stop") },
		Report: func(msg string, err error) {
			mu.Lock()
			defer mu.Unlock()
			reports = append(reports, fmt.Sprintf("%s: %v", msg, err))
		},
	})
	s.Start(nil)
	s.Stop()
	if want := []string{"OnStart panicked: start", "OnStop panicked: stop"}; !reflect.DeepEqual(reports, want) {
		t.Errorf("reports %q, want %q", reports, want)
	}
}

func openTestLog(t *testing.T, dir string, fresh bool) *Log {
	t.Helper()
	l, err := OpenLog(dir, fresh, wal.Options{
		SegmentSize: 1 << 20,
		Encode:      func(xs []any) ([]byte, error) { return json.Marshal(xs) },
		Decode: func(b []byte) ([]any, error) {
			var xs []any
			err := json.Unmarshal(b, &xs)
			return xs, err
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestLogReplay runs a source on a log, "crashes" with a batch allocated
// but not completed and records stored after it, and rebuilds both from the
// log in a new source.
func TestLogReplay(t *testing.T) {
	dir := t.TempDir()
	l := openTestLog(t, dir, true)
	s, e := newSource(Config{MaxBuffered: 100})
	s.SetSink(l)
	s.Start(nil)
	c := <-e.ctxs
	c.StoreAll([]any{"a", "b"})
	if got, _ := s.Allocate(1000); !reflect.DeepEqual(got, []any{"a", "b"}) {
		t.Fatalf("batch 1000: %v", got)
	}
	c.StoreAll([]any{"c", "d", "e"})
	if got, _ := s.Allocate(2000); len(got) != 3 {
		t.Fatalf("batch 2000: %v", got)
	}
	c.Store("f") // stored, given to no batch
	rec, pos := l.BatchRecord(2000), l.Position()
	s.Stop()
	l.Close()
	if err := c.Store("g"); err != ErrStopped {
		t.Errorf("Store after the crash: %v", err)
	}

	l2 := openTestLog(t, dir, false)
	defer l2.Close()
	xs, err := l2.Rebuild(rec)
	if err != nil || !reflect.DeepEqual(xs, []any{"c", "d", "e"}) {
		t.Fatalf("rebuilt batch 2000: %v, %v", xs, err)
	}
	s2, e2 := newSource(Config{MaxBuffered: 100})
	s2.SetSink(l2)
	s2.Restore(0, nil, map[int64][]any{2000: xs})
	if err := l2.RestorePosition(pos, s2); err != nil {
		t.Fatal(err)
	}
	s2.Start(nil)
	defer s2.Stop()
	c2 := <-e2.ctxs
	if got, _ := s2.Allocate(2000); !reflect.DeepEqual(got, []any{"c", "d", "e"}) {
		t.Errorf("re-run batch 2000: %v", got)
	}
	c2.Store("h")
	if got, _ := s2.Allocate(3000); !reflect.DeepEqual(got, []any{"f", "h"}) {
		t.Errorf("batch 3000 after the restart: %v, want the unallocated f, then h", got)
	}
	if got, _, err := l2.Read(0, ^uint64(0)); err != nil || !reflect.DeepEqual(got, []any{"a", "b", "c", "d", "e", "f", "h"}) {
		t.Errorf("the log holds %v, %v", got, err)
	}
	if got := l2.BatchRecord(3000); !reflect.DeepEqual(got, wal.EncodeRange(5, 7)) {
		t.Errorf("batch 3000 took %v, want records [5, 7)", got)
	}
}

// fakeSink records the calls a write-ahead log would get; err fails Store.
type fakeSink struct {
	mu    sync.Mutex
	calls []string
	err   error
}

func (s *fakeSink) Store(seq uint64, records []any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	s.calls = append(s.calls, fmt.Sprintf("store %d %v", seq, records))
	return nil
}

func (s *fakeSink) Allocated(t int64, from, to uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, fmt.Sprintf("allocated %d [%d,%d)", t, from, to))
	return nil
}
