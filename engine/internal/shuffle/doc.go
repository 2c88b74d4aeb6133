// Package shuffle is the engine's one shuffle: how the elements of keyed
// operations (ReduceByKey, GroupByKey, CountByValue, Distinct, CombineByKey,
// Cogroup and the joins, the windows, UpdateStateByKey, MapWithState,
// restored state) move between partitions.
//
// The contract:
//   - One partitioner: Partition(k, n) is a deterministic hash of the key, so
//     a key lands in the same partition on every run and after recovery.
//     The caller's own pair and time types hash through Hash's type
//     parameters.
//   - Map side: a Writer holds one Table per reduce partition and combines
//     values of the same key as they are written (Spark's map-side
//     combine), with an unboxed path for string keys and int values. Those
//     writes may be held (up to WriteAhead of them, their table entries
//     prefetched) until the next write of another kind, Flush or Tables;
//     keys reach the tables in the order written either way.
//   - Reduce side: Read merges the tables of every map task for one reduce
//     partition, in map-task order, and emits every key once with its
//     accumulator, in the order keys were first met, so output order is
//     deterministic.
//   - WriteMap and ReducePart are one map task and one reduce partition of
//     a shuffle in one process, for the caller's parallel tasks: a panic of
//     the bare int function reaches the caller's failInt.
//   - The grouping accumulators (GroupByKey's values, Distinct's nothing, a
//     cogroup's two sides as Groups) and Join, a key's groups joined;
//     Subtract, Intersect and SubtractPairs, what the set operations emit
//     for a key's groups; a cogroup's tagged splits (TagSide), its output
//     handed on by key (EachGroup) and emitted as Cogroup's (Cogrouped) or
//     a join's (Joined).
//   - Guarded is an Aggregator of the caller's create, merge and combine,
//     each call's panic handed to the caller with its value.
//   - An Aggregator with Records combines nothing (Spark's shuffle without
//     an aggregator): the reduce side gets every record, in map-task order
//     and in order within a map task (MapWithState, UpdateStateByKey's
//     initial state, Repartition). Position keys are their own hash, for
//     the round robin of Repartition.
//   - Spread moves elements held in memory to their partitions without
//     combining, keeping their order (state restored from a checkpoint,
//     which is keyed already); SpreadPairs by the partition of each pair's
//     key.
//   - The package speaks plain Go: keys and values split, user functions
//     come in already guarded by the caller, and the Aggregator's hooks say
//     how a wrong value or an unhashable key fails.
package shuffle
