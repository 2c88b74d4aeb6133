// Package console is the text Print writes: an element's text (Format)
// and the block of a batch, in Spark's format: a header with the batch
// time between two lines of dashes, the first n elements one a line, a line
// "..." when the batch has more, and an empty line.
//
// The contract: Batch is given the batch time as it prints, up to n+1 of
// the batch's first elements (one more than shown tells whether there are
// more) and the engine's formatter, and returns the whole block; the caller
// writes it at once, so blocks of concurrent outputs do not interleave.
// Count is n from Print's optional argument, checked.
//
// Format is how an element prints, in Batch's lines and wherever the
// engine shows an element: the caller's pair type (a type parameter) as
// (key,value), slices of elements as [a b c], recursively; values of any
// other type go to the caller's leaf, so front ends can honour the String
// methods of interpreted types.
//
// Out is where a context's text goes: its output, its batch log and the
// leaf it formats with. The caller sets them (SetOutput, SetLog, SetLeaf)
// and writes through it; each write is whole, under one lock: Print's
// blocks to the output, batch log lines only when the log is on (Log,
// Logf), and what the user must be told (a listener's panic, a skipped
// file, a cluster member's news) to the log or, when it is off, to the
// output (Reportf).
package console
