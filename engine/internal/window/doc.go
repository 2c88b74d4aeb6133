// Package window is the merge of the incremental windows
// (ReduceByKeyAndWindow with an inverse, CountByValueAndWindow,
// CountByKeyAndWindow, ReduceByWindow with an inverse), after Spark's
// ReducedWindowedDStream: the window at t is the window at t-slide, the
// inverse reduction of the per-batch reductions that left it and the
// reduction of those that entered it, partition by partition.
//
// The contract:
//   - Merge.Versioned merges one hash partition on the generic path: the
//     previous window's partition as a versioned state map
//     (engine/internal/state's Map, made by Elements from the elements or
//     kept from the previous merge), the batches that left and those that
//     entered (each reduced by key, oldest first). It returns the new
//     version, a full one over the keys of the one before, and the
//     window's elements: only the keys the batches bring are looked up,
//     merged and boxed. Merge.Partition is the same merge from the
//     elements (one pair per key) of the previous window. Keys come out in the
//     order of the previous window, then in the order first met in the
//     leaving and the entering batches; a key kept by the previous window
//     but filtered out is back to zero (inv(x, x)) when batches of it still
//     leave. Filter, when set, drops a merged pair.
//   - With int functions (IntF and IntInv) values stay unboxed while
//     merging; a value that is not an int fails through NotInt.
//   - The typed path: when the per-batch reductions are (string, int)
//     columns (Cols, cut from a shuffle table by TableCols), each partition
//     of the latest window is a Table that Merge.Typed updates in place.
//     Its output, the calls of the functions and the failures are those of
//     Partition over the same pairs. Tables belong to one window time:
//     State hands them to the merge of the next window only (TakeTables),
//     and forgets them when taken, so a failed merge, a restored state or
//     a window merged the generic way leaves none; the caller then rebuilds
//     them from the previous window's partitions (TablesOf) or from nothing.
//     The generic path's maps are kept the same way (TakeMaps, PutMaps).
//   - String keys met first in the entering batches are copied, so a key
//     staying in the window does not pin the block it was cut from.
//   - Step is the merge of one window, partition by partition, from what
//     the window before left in the State: the typed path when every Batch
//     holds columns and the functions are int ones, else the generic path;
//     Done keeps what it left for the next window.
//   - Stream is one incremental window stream over the caller's RDD type:
//     its State, Compute (the window at t from the one before and the
//     reduced batches Plan picks, a Step in the caller's tasks) and
//     KeptBatches (the reduced batches later windows still read, those
//     after the latest window only when their input has been generated)
//     and Snapshot (the latest window's partitions),
//     reaching the caller's RDDs and streams through its hooks.
//   - Plan says which reduced batches a window merges (those that left it
//     and those that entered it since the window a slide before, or the
//     whole window), Check what makes a window's durations invalid.
//   - The package speaks plain Go: partitions are []any, pairs the caller's
//     own type P (a struct{ Key, Value any }), times int64 milliseconds.
//     User functions come in raw: the package calls each under a deferred
//     recover and reports a panic through Panicked, with the element; the
//     hooks (Panicked, NotPair, NotInt, Unhashable) must panic with the
//     caller's failure, which the caller's task runner recovers.
package window
