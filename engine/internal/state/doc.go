// Package state is the state store of the stateful streams
// (UpdateStateByKey, MapWithState and the incremental windows): what their
// checkpoints write, and how recovery puts the state back together.
//
// A stateful stream's state is a list of hash partitions of elements, each
// element one key's state. Writing all of it at every checkpoint costs time
// and bytes in proportion to the number of keys, while a batch usually
// changes few of them. An Image remembers, per partition, the state as the
// checkpoint files hold it; Diff compares the state of a new batch with it
// and returns a Delta: the elements that changed or appeared and the keys
// that went. The checkpoint writes the delta, chained on the last full
// snapshot; every SnapshotEvery deltas (or when a delta would be as large as
// the state) Diff returns a full snapshot instead, which starts a new chain.
// Commit makes a delta the image once the checkpoint that refers to it is on
// disk; Reset forgets the image when a write failed, so that the next
// checkpoint is a full snapshot.
//
// Apply rebuilds the state from a full snapshot and the deltas chained on it,
// in order. Keys keep the position they had when they first appeared; a
// removed key's place closes up.
//
// Map is one partition of a keyed state held in memory, versioned after
// Spark's StateMap: each batch's version is a delta over the one before
// (only the keys the batch set), compacted into a new base after
// ChainLimit deltas or when removed keys fill over half of it, so a batch
// costs what it touches, not a copy of every key. Keys iterate in the order
// they first appeared; older versions stay readable. MapWithState's state is
// such a chain of deltas. UpdateStateByKey calls its function for every key
// every batch, so each of its versions is a full one (NextFull): a new copy
// of the entries over the keys and key index of the version before, so that
// a batch looks up only the keys it brought instead of indexing every key
// again; the incremental windows' generic path keeps its window so too
// (engine/internal/window's Versioned), its typed path in tables of its
// own. Updates is UpdateStateByKey's batch over one partition, from the
// partition's map in a Base (MapOf), MapBatch MapWithState's, over the
// Parts (a Map and the batch's mapped results) PartsOf makes from elements,
// Snapshot turns back into them and PartsOfSnapshot back again; MapStep
// is a MapWithState batch over every partition, Boxed its Parts as a
// stream's elements, EachMapped and EachState what a Part gives its
// streams. Latest
// holds a stream's latest state and the time it belongs to, and refuses a
// batch time already computed. Index is the
// key index Map and the engine's per-batch passes use.
//
// The package speaks plain Go: elements are the engine's own values, split
// into key and state by a function the engine gives; whether two states are
// the same is the engine's call too (a state the user may change in place,
// such as a pointer or a map, is never the same).
package state
