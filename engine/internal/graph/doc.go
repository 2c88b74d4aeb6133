// Package graph is the graph of a streaming context's DStreams, after
// Spark's DStreamGraph and the bookkeeping half of its DStream: which
// streams there are and what each reads, when each has an RDD, how long it
// keeps them, and the RDDs it generated per batch time. What an RDD is and
// how a stream computes one belong to the engine: a Node holds the engine's
// RDD as its type parameter R and asks the engine's compute function for a
// new one.
//
// The contract:
//   - Times and durations are int64 milliseconds. A stream has an RDD at t
//     when t is after the graph's zero time by a multiple of its slide
//     (Valid); Slice and the engine's checks take the zero time itself as
//     on the grid too (OnGrid).
//   - Add, AddInput and AddOutput build the graph, in the order the engine
//     makes the streams; Index and InputID are a stream's numbers in it.
//     The engine sets Window, Checkpoint and Stateful on the nodes before
//     Prepare and Describe.
//   - Prepare, at Start, sets every stream's zero time and its remember
//     duration as Spark does: at least its slide, twice its checkpoint
//     interval when it checkpoints at most every slide, the context's
//     remember duration for the outputs, and up the graph as far back as
//     each stream's children read (their remember duration and window).
//   - GetOrCompute returns the RDD remembered at t or else computes it and
//     remembers it; Put remembers an input's RDD. Clear, after each batch,
//     forgets the RDDs older than each stream's remember duration below the
//     outputs, handing each to the engine (to unpersist).
//   - Describe is the graph as the checkpoint's fingerprint sees it;
//     Stateful the indexes of the stateful streams; Lineage the chain of
//     streams an output reads, for its OutputOperationInfo.
//   - Forward is Slice asking oldest first, as a window reads its batches.
//   - SameSlide and CheckSlice are the engine's checks on streams made
//     from several and on Slice's times: plain errors in the engine's
//     words, which it wraps as its own.
//   - A Graph is safe for concurrent use; a Node's RDD map too. Prepare and
//     the fields the engine sets must not race with a running batch: the
//     engine sets them before its first batch.
package graph
