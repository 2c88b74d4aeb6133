// Package engine is gostream's compiled streaming engine and the API that user
// code calls, interpreted or compiled: Spark Streaming's discretized streams in Go.
//
// A StreamingContext owns a graph of DStreams. Methods on DStream only add nodes
// to that graph; Start hands it to the scheduler, which every batch interval
// asks each output operation for its RDD at that batch time, runs the resulting
// jobs as parallel tasks over partitions on local[N] workers, and reports
// metrics to StreamingListeners.
//
// Elements are untyped (any): the interpreter cannot instantiate compiled
// generic code, so one non-generic API serves interpreted and compiled callers.
// User functions are ordinary typed Go funcs, checked by reflection when the
// graph is built and called through type-asserted fast paths for common shapes.
//
// Construction mistakes panic with *Error naming the operation; failures at run
// time fail the batch and reach AwaitTermination.
package engine
