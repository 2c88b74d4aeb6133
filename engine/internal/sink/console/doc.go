// Package console is the text Print writes for a batch, in Spark's format:
// a header with the batch time between two lines of dashes, the first n
// elements one a line, a line "..." when the batch has more, and an empty
// line.
//
// The contract: Batch is given the batch time as it prints, up to n+1 of
// the batch's first elements (one more than shown tells whether there are
// more) and the engine's formatter, and returns the whole block; the caller
// writes it at once, so blocks of concurrent outputs do not interleave.
package console
