package clock

import (
	"testing"
	"time"
)

func TestManualWaitUntil(t *testing.T) {
	m := NewManual(0)
	woke := make(chan int64, 1)
	go func() {
		m.WaitUntil(300, nil)
		woke <- m.Now()
	}()
	m.Advance(100)
	m.Set(200)
	select {
	case at := <-woke:
		t.Fatalf("the waiter for 300 woke at %d", at)
	default:
	}
	m.Set(100) // backwards: ignored
	if got := m.Now(); got != 200 {
		t.Fatalf("Set(100) after 200 moved the clock to %d", got)
	}
	m.Advance(150)
	select {
	case at := <-woke:
		if at != 350 {
			t.Fatalf("woke at %d, want 350", at)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the waiter for 300 did not wake at 350")
	}
	if m.Nanos() != 350*int64(time.Millisecond) {
		t.Fatalf("Nanos %d at 350 ms", m.Nanos())
	}
}

func TestWaitUntilCancel(t *testing.T) {
	for _, c := range []Clock{NewManual(0), System{}} {
		cancel := make(chan struct{})
		close(cancel)
		if c.WaitUntil(c.Now()+int64(time.Hour/time.Millisecond), cancel) {
			t.Errorf("%T: WaitUntil an hour ahead returned true after cancel", c)
		}
		if !c.WaitUntil(c.Now(), nil) {
			t.Errorf("%T: WaitUntil(Now()) returned false", c)
		}
	}
}

func TestSystemWaitUntil(t *testing.T) {
	var c System
	target := c.Now() + 20
	if !c.WaitUntil(target, nil) {
		t.Fatal("WaitUntil returned false without a cancel")
	}
	if now := c.Now(); now < target {
		t.Fatalf("woke at %d, before %d", now, target)
	}
	if !c.Wall() || NewManual(0).Wall() {
		t.Fatal("Wall: want true for System, false for Manual")
	}
}
