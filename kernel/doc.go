// Package kernel is gostream's Jupyter kernel: it answers the requests of a
// Jupyter front end (kernel_info, execute, complete, inspect, is_complete,
// history, comm_info, shutdown, interrupt) by driving an Evaluator, the
// evaluation session shared with the shell, and routes what cells and
// their streams print to the cell that started them.
//
// As opposed to framing, signing and sockets, which belong to package
// kernel/wire, this package knows what messages mean; evaluating Go belongs
// to package repl/session. Package kernel/display is what user code calls
// for rich output; the Kernel is its sink while it runs.
//
// Install writes the kernelspec that makes `jupyter kernelspec list` show
// the kernel. See docs/kernel.md for what a notebook user sees.
package kernel
