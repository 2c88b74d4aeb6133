// Package session is the one evaluation session that the shell (package
// repl) and the Jupyter kernel share: a yaegi interpreter with the standard
// library and gostream's packages loaded, fmt, strings, strconv, time, math,
// sort and engine pre-imported, and output routed to the writers of the
// current input.
//
// It owns what is particular to evaluating Go interactively:
//
//   - an input may mix imports, declarations and statements; it is cut
//     (go/scanner) into runs of one kind, evaluated in order, because the
//     interpreter rejects mixes in one evaluation;
//   - statements the interpreter cannot run as they are (top-level comma-ok
//     forms, type switches and called function literals; range over an
//     integer anywhere) are rewritten into equivalent forms it can run
//     (rewrite.go, rangeint.go);
//   - go statements are rewritten so that a goroutine's panic is reported
//     on stderr ("goroutine panic: ...") instead of ending the process, and
//     os.Stdin passed as a reader reads Options.Stdin when that is not a
//     file (goroutine.go, stdin.go);
//   - every evaluation runs under recover, so inputs that still crash the
//     interpreter (range over a function) become an *EvalError and the
//     session lives on;
//   - errors carry line:col of the user's input;
//   - the value of a trailing expression is returned and formatted with the
//     String methods of interpreted types honoured (compiled fmt cannot see
//     them); a trailing expression that is a non-nil error fails the input;
//   - StreamingContexts created by an input are adopted: they print to the
//     writer of the input that started them (a notebook cell that starts a
//     stream receives its batches, whichever cell created the context),
//     format with the session's formatter, and report their receivers'
//     errors and failed batches on that input's stderr as
//     "receiver error: ..." and "batch error: ..." lines, at most one per
//     receiver, and one for the batches of a context, per
//     ReceiverErrorInterval (the shell and kernel turn the engine's batch
//     log off); Interrupt stops them before cancelling
//     the input, since a cancelled interpreter makes interpreted closures
//     called by a running batch return zero values, and then makes the
//     interpreter usable again;
//   - completion, inspection and completeness of inputs, for front ends.
//
// Output routing, for front ends: interpreted fmt.Print* goes to
// Options.Stdout (or what SetOutput set last). When Options.Stdout is not an
// *os.File, New also replaces the process's os.Stdout and os.Stderr by pipes
// copied to the current writers until Close, so compiled code writing to
// standard output reaches the same place, and Eval returns only after all of
// it has been copied. Output keeps the order in which it was written across
// the two paths and the two streams (before each write of the interpreter's
// own, text still in the pipes is delivered), except for a write to
// os.Stderr followed by one to os.Stdout, both by way of the pipes. A
// kernel therefore passes its stream writers in
// Options (or SetOutput per cell) and needs no capture of its own; a
// terminal shell passes os.Stdout and nothing is replaced.
package session
