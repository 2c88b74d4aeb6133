package engine

// The windows of a cluster job read their parent's batches from a window
// store that moves with the partitions (engine/internal/cluster's Streams
// keeps one per stream windows read): every batch writes its owned
// partitions of each window parent's RDD to the store. An incremental
// window starts again from its whole window (reduced from the store)
// whenever the member's partitions change or a batch was aborted: its
// previous window held other partitions.

// windowed reports whether windows read d: its batches are in its store.
func (cm *clusterMember) windowed(d *DStream) bool { return cm.Windowed(cm.ssc.graph.Index(d.node)) }

// windowSlice is d.slice in a cluster job: the batch running now as d
// computes it, the earlier ones from the store.
func (cm *clusterMember) windowSlice(d *DStream, from, to Time) []*RDD {
	rdds, err := cm.Slice(cm.ssc.graph.Index(d.node), int64(from), int64(to), durMS(d.slide), int64(d.zeroTime()))
	if err != nil {
		panic(taskFailure{cm.storeError(d.op, err)})
	}
	return rdds
}

// zipRDDs is the union of RDDs of as many partitions each that keeps
// their number: its partition p holds partition p of each, in order, as
// Spark's PartitionerAwareUnionRDD. A cluster job's window unions its
// batches this way, so that its partitions stay with their tasks and a
// shuffle after it has as many map tasks every batch. nil when the RDDs
// differ in their number of partitions.
func zipRDDs(ex *executor, all []*RDD) *RDD {
	n := all[0].n
	for _, r := range all {
		if r.n != n {
			return nil
		}
	}
	return newRDD(ex, "Union", n, all, func(p int, emit func(any)) {
		for _, r := range all {
			r.iterate(p, emit)
		}
	})
}
