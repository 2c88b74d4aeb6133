package engine

import "github.com/gostream/gostream/engine/internal/scheduler"

// Listener events are delivered by engine/internal/scheduler's Bus: to
// every listener that implements the event's interface, directly or
// through one of its views (see SetListenerViews), each call recovered so
// that a listener that panics is reported and stays registered, and
// neither the batch nor the process dies of it.

// SetListenerViews installs f, which returns the other values that stand for
// a registered listener. An interpreter hands the engine an interpreted
// listener as a wrapper that implements StreamingListener alone; f returns
// its wrappers for the optional listener interfaces (BatchStartedListener,
// ReceiverErrorListener, ...) that the interpreted type implements, so that
// those methods are called as they are for the same type compiled.
func (ssc *StreamingContext) SetListenerViews(f func(l StreamingListener) []any) {
	ssc.bus.SetViews(f)
}

// postEvent calls call for each of listeners that is an L; method names
// the listener method call calls, for the report of a panic.
func postEvent[L any](ssc *StreamingContext, listeners []StreamingListener, method string, call func(L)) {
	scheduler.Post(ssc.bus, listeners, method, call)
}

// newBus returns the context's listener bus. It reports a listener's panic
// to the batch log, or to the context's output when there is no batch log.
func newBus(ssc *StreamingContext) *scheduler.Bus[StreamingListener] {
	return scheduler.NewBus[StreamingListener](func(method string, r any) {
		ssc.out.Reportf("panic in the listener's %s: %v (the listener stays registered)\n", method, r)
	})
}
