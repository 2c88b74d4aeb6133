package exec

import (
	"sync/atomic"
	"testing"
)

// Every task runs, at most N at a time, and Run returns a failing task's
// panic (converted) without stopping the others.
func TestRun(t *testing.T) {
	p := NewPool(2)
	var ran, running, most atomic.Int32
	got := p.Run(20, func(i int) {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		ran.Add(1)
		if i == 7 {
			panic("task 7")
		}
	}, func(r any) any { return "failed: " + r.(string) })
	if got != "failed: task 7" {
		t.Fatalf("Run returned %v", got)
	}
	if ran.Load() != 20 || most.Load() > 2 {
		t.Fatalf("%d tasks ran, at most %d at a time; want 20, at most 2", ran.Load(), most.Load())
	}
	if r := p.Run(1, func(int) {}, nil); r != nil {
		t.Fatalf("Run of a task that succeeds returned %v", r)
	}
}
