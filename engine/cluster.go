package engine

import (
	"github.com/gostream/gostream/engine/internal/cluster"
)

// A cluster job: the master kafka://BROKERS/APP makes every process that
// starts the same program a member of one job, laid out as Kafka Streams
// is (docs/cluster.md, docs/cluster-contract.md). This file holds the
// master URL and what Start checks; cluster_member.go runs the members.

// checkClusterGraph refuses, at Start, what a cluster job cannot split
// among its members (cluster.Master's Check). Call with ssc.mu held.
func (ssc *StreamingContext) checkClusterGraph() error {
	var inputs []cluster.Input
	for _, in := range ssc.inputs {
		i := cluster.Input{Op: in.d.op}
		if ks, ok := in.src.(*kafkaSource); ok {
			i.Kafka, i.Brokers, i.Group = true, ks.kafka.Brokers, ks.kafka.Group
		}
		inputs = append(inputs, i)
	}
	var streams []cluster.Stream
	for _, d := range ssc.streams {
		streams = append(streams, cluster.Stream{Op: d.op, Unsupported: clusterUnsupported(d)})
	}
	var sinks [][]string
	for _, s := range ssc.kafkaSinks {
		sinks = append(sinks, s.Brokers)
	}
	return ssc.cluster.Check(ssc.checkpoint, inputs, streams, sinks)
}

// clusterUnsupported says why stream d cannot run in a cluster job, or "".
func clusterUnsupported(d *DStream) string {
	if d.windowExtra == 0 || d.state != nil {
		return ""
	}
	switch d.parents[0].op {
	case "Count", "Reduce", "CountByWindow", "ReduceByWindow":
		// Their one partition is each member's own result, which follows
		// no task.
		return "its window would hold each member's own " + d.parents[0].op + " of its partitions, which a rebalance moves; " +
			"use ReduceByWindow with Inverse, which reduces over all the members (for a count, of 1 per element)"
	}
	return ""
}

// clusterInput looks up the partition count of a cluster job's input
// topics when the stream is made: it is the job's default number of
// partitions of shuffles and state, so the streams made after it agree on
// every member.
func (ssc *StreamingContext) clusterInput(op string, topics []string) {
	ssc.mu.Lock()
	known, parts := ssc.clusterTopic, ssc.clusterParts
	ssc.mu.Unlock()
	n, err := ssc.cluster.InputTasks(topics, known, parts)
	if err != nil {
		buildErrorf(op, "%v", err)
	}
	ssc.mu.Lock()
	defer ssc.mu.Unlock()
	if ssc.clusterParts == 0 {
		ssc.clusterParts, ssc.clusterTopic = n, topics[0]
		ssc.ex.parallelism = ssc.clusterParts
	}
}
