// Package rdd owns an RDD's partitions: how they are computed (a lazy
// compute function, fused narrow steps, the typed paths of
// engine/internal/fused), materialized once (a shuffle's or a sort's
// materialize, a persisted RDD computed in parallel tasks) and kept (the
// elements, their serialized blocks, or a shuffle's (string, int) columns
// of engine/internal/window).
//
// The contract:
//   - A Data is built with New (lazy, from its dependencies and compute) or
//     Of (materialized already). The caller may set Materialize, the typed
//     paths Strs and StrInts and ColsOut before the first Ready; Materialize
//     may set Cols instead of returning partitions.
//   - Ready materializes every dependency first, so tasks reading the Data
//     never start nested parallel work, then the Data itself when it has a
//     Materialize or is persisted; once materialized, compute, dependencies
//     and typed paths are dropped. Ready is safe for concurrent use; call it
//     before Iterate, Partition, Count or Take.
//   - Iterate, Partition and Partitions give the same elements in the same
//     order whatever the form: kept elements, decoded blocks, columns boxed
//     as the caller's pair type, or computed.
//   - A persisted Data at a serialized level keeps each partition encoded by
//     its Env's Codec when every element encodes, its elements otherwise; a
//     block that does not decode fails the reading task through the Codec's
//     Corrupt, which must not return.
//   - FlatMapStrs, FilterStrs and MapStrInts pick the typed path of a
//     narrow step from the shape of its function (nil for none), on
//     engine/internal/fused.
//   - Shuffle makes a Data the local shuffle of its dependencies on
//     engine/internal/shuffle: a map task per input partition (MapTasks,
//     Write, which reads an input's typed path when the Feed allows and the
//     input has one), then a reduce task per partition; with ColsOut and an
//     int aggregator, the result is kept in columns when every key is a
//     string. The caller's Aggregator comes in with its user functions
//     guarded.
//   - The narrow transformations give their compute, element by element
//     in the reading task: Narrow (the caller's step per partition), Map,
//     Filter, FlatMap (buffered per element by exec.Expansion), Keys,
//     Values, MapValues, FlatMapValues, AsKeys and Sample
//     (engine/internal/sample's draw).
//   - The operations that move whole partitions or elements without a user
//     function per element give their compute or materialize: Union, Glom,
//     Cartesian, Positions (Repartition's round robin), ZipWithIndex,
//     SortBy, SortByKey (a stable sort, range partitioned), Whole (a
//     function of a whole partition); Each runs an action's task per
//     partition and returns the results in partition order.
//   - The actions (Collect, Reduce, Fold, Stats, Lookup, Smallest, AsMap,
//     IntsByKey) run each partition's work of engine/internal/action or
//     engine/internal/order in a task and merge the results in partition
//     order; Foreach and ForeachPartition call the caller's function with
//     each element or partition in those tasks; CountOne, ReduceOne and
//     SumOne materialize a one-partition result.
//   - Tasks run through the run function the caller gives New, which names
//     the operation and batch for failures; the package speaks plain Go and
//     the caller's pair type comes in as a type parameter.
package rdd
