package scheduler

import (
	"reflect"
	"sync"
)

// Bus holds a context's listeners, of type S, and delivers events to them,
// after Spark's StreamingListenerBus. An event is for the listeners that
// implement its interface L, themselves or through one of their views; a
// listener that panics is reported and stays registered.
type Bus[S any] struct {
	mu        sync.Mutex
	listeners []S
	views     func(S) []any
	report    func(method string, recovered any)
}

// NewBus returns a bus that reports a listener's panic, recovered, with the
// name of the listener method that panicked.
func NewBus[S any](report func(method string, recovered any)) *Bus[S] {
	return &Bus[S]{report: report}
}

// Add registers l.
func (b *Bus[S]) Add(l S) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.listeners = append(b.listeners, l)
}

// Remove unregisters the first listener equal to l; a listener whose type
// cannot be compared equals none.
func (b *Bus[S]) Remove(l S) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, x := range b.listeners {
		if same(x, l) {
			b.listeners = append(b.listeners[:i:i], b.listeners[i+1:]...)
			return
		}
	}
}

// same compares listeners without panicking on values whose type cannot
// be compared (a struct holding a slice, a func).
func same(a, b any) bool {
	ta := reflect.TypeOf(a)
	if ta != reflect.TypeOf(b) || ta == nil {
		return false
	}
	return ta.Comparable() && a == b
}

// List returns the listeners registered now, in the order they were added.
func (b *Bus[S]) List() []S {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]S(nil), b.listeners...)
}

// SetViews installs f, which returns the other values that stand for a
// listener (an interpreter's wrappers for the interfaces its type
// implements).
func (b *Bus[S]) SetViews(f func(S) []any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.views = f
}

// as returns l as an L: l itself if it implements L, else the first of its
// views that does.
func as[L, S any](b *Bus[S], l S) (L, bool) {
	if x, ok := any(l).(L); ok {
		return x, true
	}
	b.mu.Lock()
	views := b.views
	b.mu.Unlock()
	if views != nil {
		for _, v := range views(l) {
			if x, ok := v.(L); ok {
				return x, true
			}
		}
	}
	var zero L
	return zero, false
}

// Post calls call for each of listeners that is an L (itself or through a
// view), in order, on the caller's goroutine; method names the listener
// method call calls, for the report of a panic.
func Post[L, S any](b *Bus[S], listeners []S, method string, call func(L)) {
	for _, l := range listeners {
		if x, ok := as[L](b, l); ok {
			b.deliver(method, func() { call(x) })
		}
	}
}

func (b *Bus[S]) deliver(method string, call func()) {
	defer func() {
		if r := recover(); r != nil && b.report != nil {
			b.report(method, r)
		}
	}()
	call()
}
