// Package queue is QueueStream's source: a queue the user pushes batches
// into while the stream runs, and the batches take from.
//
// The contract: a Queue is safe for concurrent use; Push adds at the back;
// Take takes the front item (one) or every item queued so far, in push
// order, and nothing when the queue is empty. What an item is (the
// engine's elements or its RDD) is the caller's; Batch makes the RDD of a
// batch's items, the caller's too, one as it is, several unioned.
package queue
