package engine

import (
	"fmt"
	"io"
)

// Listener events are delivered by postEvent: to every listener that
// implements the event's interface, directly or through one of its views
// (see SetListenerViews), each call recovered so that a listener that
// panics is reported and stays registered, and neither the batch nor the
// process dies of it.

// SetListenerViews installs f, which returns the other values that stand for
// a registered listener. An interpreter hands the engine an interpreted
// listener as a wrapper that implements StreamingListener alone; f returns
// its wrappers for the optional listener interfaces (BatchStartedListener,
// ReceiverErrorListener, ...) that the interpreted type implements, so that
// those methods are called as they are for the same type compiled.
func (ssc *StreamingContext) SetListenerViews(f func(l StreamingListener) []any) {
	ssc.mu.Lock()
	defer ssc.mu.Unlock()
	ssc.listenerViews = f
}

// listenerAs returns l as an L: l itself if it implements L, else the
// first of its views that does.
func listenerAs[L any](ssc *StreamingContext, l StreamingListener) (L, bool) {
	if x, ok := l.(L); ok {
		return x, true
	}
	ssc.mu.Lock()
	views := ssc.listenerViews
	ssc.mu.Unlock()
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

// postEvent calls call for each of listeners that is an L (see listenerAs);
// method names the listener method call calls, for the report of a panic.
func postEvent[L any](ssc *StreamingContext, listeners []StreamingListener, method string, call func(L)) {
	for _, l := range listeners {
		if x, ok := listenerAs[L](ssc, l); ok {
			callListener(ssc, method, func() { call(x) })
		}
	}
}

// callListener runs call, one listener's method, reporting a panic rather
// than letting it end the batch and the process. The report goes to the
// batch log, or to the context's output when there is no batch log.
func callListener(ssc *StreamingContext, method string, call func()) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		ssc.outMu.Lock()
		defer ssc.outMu.Unlock()
		var w io.Writer = ssc.batchLog
		if w == nil {
			w = ssc.out
		}
		if w != nil {
			fmt.Fprintf(w, "panic in the listener's %s: %v (the listener stays registered)\n", method, r)
		}
	}()
	call()
}
