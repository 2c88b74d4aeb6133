package exec

import "sync"

// Pool runs at most N tasks at a time.
type Pool struct {
	N     int
	slots chan struct{}
}

// NewPool returns a pool of n workers.
func NewPool(n int) *Pool { return &Pool{N: n, slots: make(chan struct{}, n)} }

// Run runs task(0..n-1), in parallel when n > 1, and returns the panic
// value of the first task that failed, or nil. convert, when set, turns a
// recovered panic into the value Run returns, on the failing task's
// goroutine (so it can read that goroutine's stack).
func (p *Pool) Run(n int, task func(i int), convert func(r any) any) any {
	if n == 0 {
		return nil
	}
	var (
		mu    sync.Mutex
		first any
	)
	do := func(i int) {
		defer func() {
			if r := recover(); r != nil {
				if convert != nil {
					r = convert(r)
				}
				mu.Lock()
				if first == nil {
					first = r
				}
				mu.Unlock()
			}
		}()
		task(i)
	}
	if n == 1 {
		do(0)
		return first
	}
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		p.slots <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-p.slots; wg.Done() }()
			do(i)
		}()
	}
	wg.Wait()
	return first
}
