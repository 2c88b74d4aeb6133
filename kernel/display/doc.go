// Package display is what user code calls to show rich output: HTML,
// Markdown and text, a live table of a DStream's latest batch, a stream's
// last Print blocks kept in one output, and a live chart of a
// StreamingContext's batch metrics over time against its batch interval.
// The shell and the kernel pre-import it as display.
//
// Output goes to a Sink that the front end installs with SetSink: the
// Jupyter kernel sends display_data and update_display_data messages; the
// default sink, used by the shell and `gostream run`, prints each output's
// text/plain rendering to standard output.
package display
