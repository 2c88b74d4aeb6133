// Package generate is RateStream's source: lines of text made from their
// number alone, so a batch can be made again after a failure from its time.
//
// The contract: Line(i) is the same string on every run and platform,
// sentences of 6–10 words drawn with a skew from a small vocabulary (a few
// frequent words and a long tail). A batch of a stream of perSecond lines a
// second holds PerBatch lines (at least one); batch t (int64 milliseconds,
// a multiple of the batch length, the first batch being one batch length
// after time zero) holds the lines numbered from First, and Part cuts them
// into p partitions that together hold each line once, in order. A Batch
// (NewBatch) is those figures for one batch, and Emit a partition's lines.
package generate
