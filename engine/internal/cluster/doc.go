// Package cluster is the Kafka side of a job shared by several processes
// (the master kafka://BROKERS/APP): one Member per process. It speaks
// plain Go: partitions, offsets, byte keys and values, plain errors; the
// engine's cluster*.go files turn batches, shuffles and state into them.
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
package cluster
