package driver

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/gostream/gostream/engine/internal/checkpoint"
	"github.com/gostream/gostream/engine/internal/clock"
)

// trace records the calls of a Starter and a Loop.
type trace struct {
	calls    []string
	check    error
	join     func(first, zero int64) (int64, int64, error)
	ckptErr  error
	inputs   int
	inputErr map[int]error
}

func (t *trace) add(f string, args ...any) { t.calls = append(t.calls, fmt.Sprintf(f, args...)) }

func (t *trace) Check() error { t.add("check"); return t.check }
func (t *trace) Join(first, zero int64) (int64, int64, error) {
	t.add("join %d %d", first, zero)
	if t.join != nil {
		return t.join(first, zero)
	}
	return first, zero, nil
}
func (t *trace) Activate(zero int64) int { t.add("activate %d", zero); return t.inputs }
func (t *trace) Checkpoints(rec *checkpoint.Recovered) (*checkpoint.Checkpointer, []int, error) {
	t.add("checkpoints %v", rec != nil)
	return nil, []int{7}, t.ckptErr
}
func (t *trace) StartInput(i int) error { t.add("start %d", i); return t.inputErr[i] }
func (t *trace) StopInput(i int)        { t.add("stop %d", i) }
func (t *trace) Abort()                 { t.add("abort") }
func (t *trace) Started()               { t.add("started") }
func (t *trace) Start(f int64, p []int) { t.add("loop start %d %v", f, p) }
func (t *trace) Stop(graceful bool)     { t.add("loop stop %v", graceful) }
func (t *trace) Close()                 { t.add("loop close") }

func newLife(t *trace, clk clock.Clock) *Life[int] {
	return &Life[int]{Lock: &sync.Mutex{}, Loop: t, Clock: clk, Interval: 1000}
}

func TestStartFresh(t *testing.T) {
	tr := &trace{inputs: 2}
	hand := clock.NewManual(2500)
	l := newLife(tr, hand)
	if err := l.Start(tr); err != nil {
		t.Fatal(err)
	}
	want := []string{"check", "join 3000 2000", "activate 2000", "checkpoints false", "start 0", "start 1", "started", "loop start 3000 [7]"}
	if !reflect.DeepEqual(tr.calls, want) {
		t.Fatalf("calls %q, want %q", tr.calls, want)
	}
	if l.State != Active || l.Resumed || hand.Now() != 2500 {
		t.Fatalf("state %v resumed %v clock %d", l.State, l.Resumed, hand.Now())
	}
}

func TestStartRecovered(t *testing.T) {
	tr := &trace{join: func(first, zero int64) (int64, int64, error) { return first + 1000, zero - 1000, nil }}
	hand := clock.NewManual(0)
	l := newLife(tr, hand)
	l.Recovered = &checkpoint.Recovered{Meta: &checkpoint.Meta{Zero: 500, BatchMS: 1000, Completed: 3500, Pending: []int64{4500}}}
	if err := l.Start(tr); err != nil {
		t.Fatal(err)
	}
	want := []string{"check", "join 5500 500", "activate -500", "checkpoints true", "started", "loop start 6500 [7]"}
	if !reflect.DeepEqual(tr.calls, want) {
		t.Fatalf("calls %q, want %q", tr.calls, want)
	}
	if !l.Resumed || l.Recovered != nil || hand.Now() != 5500 {
		t.Fatalf("resumed %v recovered %v clock %d", l.Resumed, l.Recovered, hand.Now())
	}
}

func TestStartRefused(t *testing.T) {
	refused := errors.New("refused")
	tr := &trace{check: refused}
	l := newLife(tr, clock.NewManual(0))
	if err := l.Start(tr); err != refused {
		t.Fatalf("err %v", err)
	}
	tr = &trace{join: func(int64, int64) (int64, int64, error) { return 0, 0, refused }}
	l = newLife(tr, clock.NewManual(0))
	if err := l.Start(tr); err != refused || l.State != Initialized {
		t.Fatalf("err %v state %v", err, l.State)
	}
}

func TestStartUndone(t *testing.T) {
	bad := errors.New("bad")
	tr := &trace{inputs: 3, inputErr: map[int]error{2: bad}}
	l := newLife(tr, clock.NewManual(0))
	if err := l.Start(tr); err != bad {
		t.Fatalf("err %v", err)
	}
	want := []string{"check", "join 1000 0", "activate 0", "checkpoints false", "start 0", "start 1", "start 2", "stop 0", "stop 1", "loop close", "abort"}
	if !reflect.DeepEqual(tr.calls, want) || l.State != Stopped {
		t.Fatalf("calls %q state %v, want %q", tr.calls, l.State, want)
	}

	tr = &trace{inputs: 1, ckptErr: bad}
	l = newLife(tr, clock.NewManual(0))
	if err := l.Start(tr); err != bad {
		t.Fatalf("err %v", err)
	}
	want = []string{"check", "join 1000 0", "activate 0", "checkpoints false", "loop close", "abort"}
	if !reflect.DeepEqual(tr.calls, want) || l.State != Stopped {
		t.Fatalf("calls %q state %v, want %q", tr.calls, l.State, want)
	}
}

func TestStop(t *testing.T) {
	tr := &trace{}
	l := newLife(tr, clock.NewManual(0))
	released := 0
	release := func() { released++ }
	l.Recovered = &checkpoint.Recovered{}
	l.Stop(true, release)
	l.Stop(true, release)
	if l.State != Stopped || released != 1 || l.Recovered != nil || !reflect.DeepEqual(tr.calls, []string{"loop close"}) {
		t.Fatalf("state %v released %d recovered %v calls %q", l.State, released, l.Recovered, tr.calls)
	}

	tr = &trace{}
	l = newLife(tr, clock.NewManual(0))
	if err := l.Start(tr); err != nil {
		t.Fatal(err)
	}
	tr.calls = nil
	l.Stop(false, release)
	if !reflect.DeepEqual(tr.calls, []string{"loop stop false"}) {
		t.Fatalf("calls %q", tr.calls)
	}
	l.Stopped(release)
	if l.State != Stopped || released != 2 {
		t.Fatalf("state %v released %d", l.State, released)
	}
}

func TestStateAndCheckpoint(t *testing.T) {
	tr := &trace{}
	l := newLife(tr, clock.NewManual(0))
	l.Recovered = &checkpoint.Recovered{Meta: &checkpoint.Meta{BatchMS: 1000}}
	if l.Current() != Initialized || !l.FromCheckpoint() || l.Current().String() != "INITIALIZED" {
		t.Fatalf("before Start: %v, from a checkpoint %v", l.Current(), l.FromCheckpoint())
	}
	if err := l.Start(tr); err != nil {
		t.Fatal(err)
	}
	if l.Current() != Active || !l.FromCheckpoint() || Active.String() != "ACTIVE" || Stopped.String() != "STOPPED" {
		t.Fatalf("after Start: %v, from a checkpoint %v", l.Current(), l.FromCheckpoint())
	}
}
