package receiver

import (
	"errors"
	"reflect"
	"testing"

	"github.com/gostream/gostream/engine/internal/checkpoint"
)

// TestLogCheckpoint: the log as the checkpointer's source records a batch's
// range and the position, rebuilds the batch through put, hands the
// unallocated records back, passes its errors through wrap, and releases
// what no batch needs.
func TestLogCheckpoint(t *testing.T) {
	dir := t.TempDir()
	l := openTestLog(t, dir, true)
	s, e := newSource(Config{MaxBuffered: 100})
	s.SetSink(l)
	s.Start(nil)
	c := <-e.ctxs
	c.StoreAll([]any{"a", "b"})
	s.Allocate(1000)
	c.StoreAll([]any{"c"})
	cs := l.Checkpoint(s, func(err error) error { return err }, nil)
	rec, err := cs.Record(1000)
	if err != nil {
		t.Fatal(err)
	}
	pos, err := cs.Position()
	if err != nil {
		t.Fatal(err)
	}
	s.Stop()
	cs.Close()

	l2 := openTestLog(t, dir, false)
	s2, e2 := newSource(Config{MaxBuffered: 100})
	wrapped := errors.New("wrapped")
	put := map[int64][]any{}
	cs2 := l2.Checkpoint(s2, func(err error) error {
		if err != nil {
			return wrapped
		}
		return nil
	}, func(t int64, xs []any) { put[t] = xs })
	if n, err := cs2.Rebuild(1000, rec); err != nil || n != 2 || !reflect.DeepEqual(put, map[int64][]any{1000: {"a", "b"}}) {
		t.Errorf("Rebuild = %d, %v, put %v; want 2 records put at 1000", n, err, put)
	}
	if _, err := cs2.Rebuild(2000, []byte{1}); err != wrapped {
		t.Errorf("Rebuild of a broken record: %v; want the wrapped error", err)
	}
	if err := cs2.Restore(pos); err != nil {
		t.Fatal(err)
	}
	if err := cs2.Restore([]byte{1}); err != wrapped {
		t.Errorf("Restore of a broken position: %v; want the wrapped error", err)
	}
	s2.Start(nil)
	<-e2.ctxs
	if got, _ := s2.Allocate(2000); !reflect.DeepEqual(got, []any{"c"}) {
		t.Errorf("the batch after the restore: %v; want the unallocated c", got)
	}
	s2.Stop()
	cs2.Release([]checkpoint.Batch{{Time: 2000, Data: l2.BatchRecord(2000)}}, l2.Position())
	if segs := l2.Segments(); len(segs) != 1 {
		t.Errorf("segments after release: %v; want the one holding c", segs)
	}
	cs2.Close()
	if err := l2.Store(9, []any{"x"}); err != ErrStopped {
		t.Errorf("Store after Close: %v; want ErrStopped", err)
	}
}
