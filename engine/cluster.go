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
	var sinks [][]string
	for _, s := range ssc.kafkaSinks {
		sinks = append(sinks, s.Brokers)
	}
	return ssc.cluster.Check(ssc.checkpoint, inputs, ssc.clusterStreams(), sinks)
}

// clusterStreams describes the graph's streams to
// engine/internal/cluster, in graph order. Call with ssc.mu held.
func (ssc *StreamingContext) clusterStreams() []cluster.Stream {
	out := make([]cluster.Stream, len(ssc.streams))
	for i, d := range ssc.streams {
		out[i] = cluster.Stream{Op: d.op, Parent: -1, Window: durMS(d.windowExtra), Stateful: d.state != nil}
		if len(d.parents) > 0 {
			out[i].Parent = ssc.graph.Index(d.parents[0].node)
		}
	}
	return out
}

// clusterInput looks up the partition count of a cluster job's input
// topics when the stream is made (cluster.Tasks): it is the job's default
// number of partitions of shuffles and state, so the streams made after it
// agree on every member.
func (ssc *StreamingContext) clusterInput(op string, topics []string) {
	n, first, err := ssc.clusterTasks.Add(ssc.cluster, topics)
	if err != nil {
		buildErrorf(op, "%v", err)
	}
	if first {
		ssc.mu.Lock()
		ssc.ex.parallelism = n
		ssc.mu.Unlock()
	}
}
