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

// Stream is what Check needs of a stream: its operation, and why it
// cannot run in a cluster job ("" when it can).
type Stream struct {
	Op, Unsupported string
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
		if s.Unsupported != "" {
			return fmt.Errorf("%s cannot run in a cluster job: %s", s.Op, s.Unsupported)
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
