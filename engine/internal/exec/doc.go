// Package exec runs the tasks of a batch and adapts the functions they
// call: the worker pool of local[N] (at most N tasks of a context at a
// time, on their own goroutines), and the Adapter that turns the typed
// funcs users pass into the engine's untyped forms once, when the graph is
// built.
//
// The contract: Run runs tasks 0..n-1 and returns when all have ended; a
// task that panics does not stop the others, and Run returns what the first
// task to fail panicked with (nil when none did), for the engine to turn
// into its error. Run is not nested inside a task (the pool's slots are
// held by running tasks, so a nested Run could wait for itself).
//
// The contract of an Adapter: each method checks the function's shape
// once and returns a func over untyped elements that calls it; the common
// shapes (func(string) []string, func(string) P, func(int, int) int, ...)
// are called directly, with no reflection and no boxing beyond the
// result's; any other shape of the right arity through reflect.Value.Call.
// A function of the wrong shape is reported once, through Shape, naming
// what was wanted and what was given; an element of the wrong type, when
// it is met, through Elem, naming the type the function takes (PairName
// for the engine's pair type). Neither returns.
//
// An Expansion holds a FlatMap-like call's results for one element at a
// time, so a panic of the function is told apart from a panic downstream
// of it (handed to the caller's fail with the element) and the buffer is
// reused across a partition.
//
// Transform, Transform2 and Foreach adapt the functions given a whole RDD
// (the caller's RDD and time types as type parameters), with or without
// the batch time, to the form with it; false for any other shape.
package exec
