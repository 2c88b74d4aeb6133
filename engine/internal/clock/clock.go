package clock

import (
	"sync"
	"time"
)

// Clock tells the time and waits for it.
type Clock interface {
	// Now is the time in milliseconds.
	Now() int64
	// Nanos is the time in nanoseconds.
	Nanos() int64
	// WaitUntil blocks until Now() >= t (true) or cancel is closed (false).
	WaitUntil(t int64, cancel <-chan struct{}) bool
	// Wall reports whether this is the wall clock files are stamped with.
	Wall() bool
}

// System is the wall clock.
type System struct{}

// Now is the wall time in milliseconds since the Unix epoch.
func (System) Now() int64 { return time.Now().UnixMilli() }

// Nanos is the wall time in nanoseconds since the Unix epoch.
func (System) Nanos() int64 { return time.Now().UnixNano() }

// Wall is true.
func (System) Wall() bool { return true }

// WaitUntil sleeps until the wall time t (milliseconds since the epoch).
func (System) WaitUntil(t int64, cancel <-chan struct{}) bool {
	wait := time.Until(time.UnixMilli(t))
	if wait <= 0 {
		return true
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-cancel:
		return false
	}
}

// Manual is a clock that moves only by Set and Advance. It is safe for
// concurrent use.
type Manual struct {
	mu      sync.Mutex
	now     int64
	changed chan struct{} // closed and replaced whenever the time moves
}

// NewManual returns a manual clock at time start (milliseconds).
func NewManual(start int64) *Manual {
	return &Manual{now: start, changed: make(chan struct{})}
}

// Now is the clock's time in milliseconds.
func (m *Manual) Now() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.now
}

// Nanos is the clock's time in nanoseconds.
func (m *Manual) Nanos() int64 { return m.Now() * int64(time.Millisecond) }

// Wall is false: nothing stamps files with a manual clock's time.
func (m *Manual) Wall() bool { return false }

// Set moves the clock to t, if t is later than its time, and wakes the
// waiters whose time has come.
func (m *Manual) Set(t int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t <= m.now {
		return
	}
	m.now = t
	close(m.changed)
	m.changed = make(chan struct{})
}

// Advance moves the clock forward by d milliseconds.
func (m *Manual) Advance(d int64) {
	m.mu.Lock()
	t := m.now + d
	m.mu.Unlock()
	m.Set(t)
}

// WaitUntil blocks until the clock reaches t or cancel is closed.
func (m *Manual) WaitUntil(t int64, cancel <-chan struct{}) bool {
	for {
		m.mu.Lock()
		if m.now >= t {
			m.mu.Unlock()
			return true
		}
		ch := m.changed
		m.mu.Unlock()
		select {
		case <-ch:
		case <-cancel:
			return false
		}
	}
}
