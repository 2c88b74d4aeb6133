package cluster

import (
	"fmt"
	"slices"
	"strings"
)

// Input is what Check needs of an input stream: its operation, whether it
// is a KafkaStream, and then the brokers and consumer group it names.
type Input struct {
	Op      string
	Kafka   bool
	Brokers []string
	Group   string
}

// Stream is what a job needs of a stream of the graph: its operation, the
// index of the stream it reads first (-1 for none), how far back it reads
// that one (a window's length, ms; 0 for no window) and whether it keeps
// a state (an incremental window does).
type Stream struct {
	Op       string
	Parent   int
	Window   int64
	Stateful bool
}

// unsupported says why stream s of streams cannot run in a cluster job,
// or "".
func (s Stream) unsupported(streams []Stream) string {
	if s.Window == 0 || s.Stateful || s.Parent < 0 {
		return ""
	}
	switch op := streams[s.Parent].Op; op {
	case "Count", "Reduce", "CountByWindow", "ReduceByWindow":
		// Their one partition is each member's own result, which follows
		// no task.
		return "its window would hold each member's own " + op + " of its partitions, which a rebalance moves; " +
			"use ReduceByWindow with Inverse, which reduces over all the members (for a count, of 1 per element)"
	}
	return ""
}

// Check refuses, at the start of a job on c, what a cluster job cannot
// split among its members: a checkpoint directory, an input that is not
// a KafkaStream of the job's brokers and group, no input at all, a stream
// that cannot run, and an output (sinks: each SaveToKafka's brokers) to
// other brokers. The error names the first found, in that order.
func (c *Master) Check(checkpoint string, inputs []Input, streams []Stream, sinks [][]string) error {
	if checkpoint != "" {
		return fmt.Errorf("a cluster job keeps its positions and state in Kafka, not in a checkpoint directory: remove Checkpoint(%q)", checkpoint)
	}
	for _, in := range inputs {
		if !in.Kafka {
			return fmt.Errorf("%s cannot be split among the members of %s: a cluster job reads only KafkaStream inputs", in.Op, c.Name())
		}
		if !SameBrokers(in.Brokers, c.Brokers) {
			return fmt.Errorf("KafkaStream reads from the brokers %s but the job runs on %s: a cluster job uses one Kafka cluster", strings.Join(in.Brokers, ","), c.Name())
		}
		if in.Group != "" && in.Group != c.App {
			return fmt.Errorf("KafkaStream has the consumer group %q but a cluster job's group is its APP %q: leave Kafka.Group empty", in.Group, c.App)
		}
	}
	if len(inputs) == 0 {
		return fmt.Errorf("a cluster job needs at least one KafkaStream input: its partitions are what the members share")
	}
	for _, s := range streams {
		if why := s.unsupported(streams); why != "" {
			return fmt.Errorf("%s cannot run in a cluster job: %s", s.Op, why)
		}
	}
	for _, brokers := range sinks {
		if !SameBrokers(brokers, c.Brokers) {
			return fmt.Errorf("SaveToKafka writes to the brokers %s but the job runs on %s: a cluster job uses one Kafka cluster", strings.Join(brokers, ","), c.Name())
		}
	}
	return nil
}

// InputTasks returns the partition count of the topics of an input
// stream being made, the job's tasks: the topics must exist and have as
// many partitions as each other and as known, the first input's topic,
// of knownParts partitions (none when knownParts is 0).
func (c *Master) InputTasks(topics []string, known string, knownParts int) (int, error) {
	counts, err := PartitionCounts(c.Brokers, topics)
	if err != nil {
		return 0, fmt.Errorf("a cluster job's tasks are its input topics' partitions, so the topics must exist when the stream is made: %v (at %s)", err, c.Name())
	}
	all := slices.Clone(topics)
	if knownParts > 0 {
		all = append([]string{known}, all...)
		counts[known] = knownParts
	}
	if err := CoPartitioned(all, counts); err != nil {
		return 0, err
	}
	return counts[topics[0]], nil
}
