// Package console is the text Print writes: an element's text (Format)
// and the block of a batch, in Spark's format: a header with the batch
// time between two lines of dashes, the first n elements one a line, a line
// "..." when the batch has more, and an empty line.
//
// The contract: Batch is given the batch time as it prints, up to n+1 of
// the batch's first elements (one more than shown tells whether there are
// more) and the engine's formatter, and returns the whole block; the caller
// writes it at once, so blocks of concurrent outputs do not interleave.
//
// Format is how an element prints, in Batch's lines and wherever the
// engine shows an element: the caller's pair type (a type parameter) as
// (key,value), slices of elements as [a b c], recursively; values of any
// other type go to the caller's leaf, so front ends can honour the String
// methods of interpreted types.
package console
