package engine

import (
	"fmt"
	"slices"

	"github.com/gostream/gostream/engine/internal/cluster"
)

// A cluster job: the master kafka://BROKERS/APP makes every process that
// starts the same program a member of one job, laid out as Kafka Streams
// is (docs/cluster.md, docs/cluster-contract.md). This file holds the
// master URL and what Start checks; cluster_member.go runs the members.

// checkClusterGraph refuses, at Start, what a cluster job cannot split
// among its members. Call with ssc.mu held.
func (ssc *StreamingContext) checkClusterGraph() error {
	c := ssc.cluster
	if ssc.checkpoint != "" {
		return fmt.Errorf("a cluster job keeps its positions and state in Kafka, not in a checkpoint directory: remove Checkpoint(%q)", ssc.checkpoint)
	}
	for _, in := range ssc.inputs {
		ks, ok := in.src.(*kafkaSource)
		if !ok {
			return fmt.Errorf("%s cannot be split among the members of %s: a cluster job reads only KafkaStream inputs", in.d.op, c.Name())
		}
		if !cluster.SameBrokers(ks.kafka.Brokers, c.Brokers) {
			return fmt.Errorf("KafkaStream reads from the brokers %s but the job runs on %s: a cluster job uses one Kafka cluster", ks.kafka, c.Name())
		}
		if ks.kafka.Group != "" && ks.kafka.Group != c.App {
			return fmt.Errorf("KafkaStream has the consumer group %q but a cluster job's group is its APP %q: leave Kafka.Group empty", ks.kafka.Group, c.App)
		}
	}
	if len(ssc.inputs) == 0 {
		return fmt.Errorf("a cluster job needs at least one KafkaStream input: its partitions are what the members share")
	}
	for _, d := range ssc.streams {
		if why := clusterUnsupported(d); why != "" {
			return fmt.Errorf("%s cannot run in a cluster job: %s", d.op, why)
		}
	}
	for _, s := range ssc.kafkaSinks {
		if !cluster.SameBrokers(s.Brokers, c.Brokers) {
			return fmt.Errorf("SaveToKafka writes to the brokers %s but the job runs on %s: a cluster job uses one Kafka cluster", s, c.Name())
		}
	}
	return nil
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
	c := ssc.cluster
	counts, err := cluster.PartitionCounts(c.Brokers, topics)
	if err != nil {
		buildErrorf(op, "a cluster job's tasks are its input topics' partitions, so the topics must exist when the stream is made: %v (at %s)", err, c.Name())
	}
	all := slices.Clone(topics)
	ssc.mu.Lock()
	defer ssc.mu.Unlock()
	if ssc.clusterParts > 0 {
		all = append([]string{ssc.clusterTopic}, all...)
		counts[ssc.clusterTopic] = ssc.clusterParts
	}
	if err := cluster.CoPartitioned(all, counts); err != nil {
		buildErrorf(op, "%v", err)
	}
	if ssc.clusterParts == 0 {
		ssc.clusterParts, ssc.clusterTopic = counts[topics[0]], topics[0]
		ssc.ex.parallelism = ssc.clusterParts
	}
}
