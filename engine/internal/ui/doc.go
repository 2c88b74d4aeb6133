// Package ui is the streaming UI's web server: the pages after Spark's
// Streaming tab (time lines and histograms of input rate, scheduling delay,
// processing time and total delay; active, completed and failed batches; a
// batch's output operations; the input streams and receivers) and
// Prometheus metrics at /metrics.
//
// It works on plain data and knows nothing of the engine: package engine
// registers each StreamingContext with Server.Add and adds to the context
// a Listener, instantiated with the engine's event types (their shapes are
// engine/internal/jobset's and this package's), which turns each listener
// event into a call on the returned App. Front ends (the
// shell, the kernel, `gostream run`) start the server through
// engine.StartUI, since they cannot import an internal package; compiled
// programs use the engine.WithUI option.
//
// The process has one UI at a time (Start, Stop, Running), shared by every
// context; Start calls the caller back when it starts one, so the engine
// can show each context made from then on. FromEnv starts, once, the UI an
// environment variable names.
//
// Everything a page needs is served by the binary: the HTML is rendered on
// the server (charts are hand-written SVG), one small script (static/ui.js)
// keeps a page live by long-polling the page's own URL with ?partial=1 and
// swapping in the new content when the data changed.
package ui
