// Package cluster is the Kafka side of a job shared by several processes
// (the master kafka://BROKERS/APP): one Member per process. It speaks
// plain Go: partitions, offsets, byte keys and values, plain errors. Job
// runs a member's batches over it; the engine's cluster*.go files wire its
// streams, shuffles and state to a Job.
//
// The contract of a Member:
//   - Join makes two clients: one in the consumer group APP (range
//     assignment, so partition p of every input topic goes to the same
//     member; it never fetches, it only holds the assignment) and one
//     transactional producer. Assignment returns the partitions owned now,
//     with the group generation and member ID they were assigned under and
//     an epoch that changes with every assignment or revocation.
//   - A batch is Begin, then Produce (records into the transaction, to a
//     given partition for the job's own topics, by key for others), then
//     Commit(asg, offsets) or Abort. Commit flushes, adds the offsets to the
//     transaction under the group generation of asg (a member whose
//     generation is stale is fenced: the commit fails and the transaction
//     is aborted), and ends the transaction.
//   - Committed reads the group's committed offsets with RequireStable: it
//     waits while another member's transaction holding offsets of the group
//     is open, so what it returns is final.
//   - Fetch reads a range of a partition read_committed; Ends gives the
//     last stable offsets and the log starts.
//   - ZeroTime makes every member agree on the job's zero time and batch
//     interval: the first record of topic APP-meta wins.
//   - Close(leave) leaves the group at once (a graceful stop) or just
//     closes (the partitions move after the session timeout).
//
// The contract of a Job (Start joins; the engine instantiates it with its
// pair and time types, whose element codec writes every topic):
//   - A batch is Begin(t), then what the batch reads and writes, then
//     End(t, err), which commits the transaction or, when anything failed
//     (Fail, or err), aborts it. Begin reports when the tasks run may
//     differ from the last batch's; End reports a failed batch whose
//     partitions moved while it ran (its records go to their new owners).
//   - Everything a Job holds for its partitions is what its last committed
//     transaction left: a new assignment or an aborted batch forgets it
//     all, and it is loaded again from Kafka as the batches need it.
//   - Owns(i) says whether partition i of any RDD, shuffle or state is
//     this member's in the running batch: task i mod P is assigned to it
//     and its last committed batch is older than the running one.
//   - Cut gives an input topic's ranges of the batch, from the committed
//     positions on (Ranges, those of an input's topics, capped by a rate);
//     End commits the next positions with metadata batch=T.
//   - Shuffle is a repartition topic (shuffle.go): Write is a map task's
//     table with its marker, Reduce the tables of the batches complete;
//     RunShuffle runs a batch's shuffle on it through the caller's tasks;
//     ShuffleData makes a shuffle's rdd.Data materialize that way.
//   - State is a stateful stream's changelog (state.go): Load restores
//     the partitions gained, WritePairs and WriteMap write what changed;
//     LoadPairs and SavePairs (UpdateStateByKey), LoadMaps and SaveMaps
//     (MapWithState) do it for stream i's partitions.
//   - Window, LoadWindow and PutWindow keep a window parent's batches in
//     its WindowStore.
//   - StreamID names stream i in the job's topics; between Enter(i) and
//     Leave, ShuffleID names the shuffles stream i's compute makes in the
//     batch, in order, so that every member gives a shuffle the same name.
//   - The caller must call Owns, Shuffle, State and the window methods
//     only between Begin and End, and End once for every Begin.
//
// The contract of Streams, a Job wired to the engine's graph (Stream: each
// stream's operation, first parent, window and state) through Hooks, the
// engine's functions on its streams (by index) and their RDDs (R), each
// called per batch, stream or RDD, never per element:
//   - Slice gives a window its parent's batches: the running one computed
//     and kept in the parent's window store, the earlier ones from there.
//   - Made records a shuffle the batch made; End first keeps every window
//     parent's batch in its store (a healthy batch only), then
//     materializes the shuffles made, then ends the Job's batch, and
//     returns the errors the batch reports (none when its partitions
//     moved while it ran).
//   - Failures reach the caller's Panic and Error hooks, which make the
//     batch's failure of them; an error given to Error names what failed
//     and its Unwrap is the cause.
//
// Beside the Member, the plain parts of a job's layout:
//   - ParseMaster reads the master URL (brokers, APP, local=N, session,
//     txn), its errors naming the URL and what is wrong; Workers reads
//     any master a context runs on (local, local[N], local[*] or a job's
//     URL) into its number of workers; Check refuses at
//     Start what a cluster job cannot split among its members, and
//     InputTasks gives an input's partition count, the job's tasks, which
//     Tasks agrees on as the inputs are made, one input at a time.
//   - Reducer is the reduce side of one repartition partition: it holds the
//     records read (MapHeaders: batch, map task, marker) until every map
//     task's marker of their batch or a later one is in, hands over the
//     complete batches (Take), and says what to commit: the offset of the
//     first record still held, with done=B, the batches reduced.
//   - ReadChangelog reads a changelog partition into the value of each key
//     (a tombstone removes it); InitialKey marks a partition that took its
//     initial state.
//   - WindowStore is the window store of a stream windows read: its
//     batches of the longest window, per partition, in memory for the owned
//     tasks and in a changelog of one partition per task, restored by a
//     member that gains a task and tombstoned as batches leave the window.
//   - WriteParts writes a member's part files of an output directory that
//     the members sharing a file system write together.
package cluster
