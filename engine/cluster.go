package engine

import (
	"fmt"

	"github.com/gostream/gostream/engine/internal/cluster"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A cluster job: the master kafka://BROKERS/APP makes every process that
// starts the same program a member of one job, laid out as Kafka Streams
// is (docs/cluster.md, docs/cluster-contract.md). This file holds the
// master URL and what Start checks; cluster_member.go runs the members.

const clusterURLShape = "kafka://HOST:PORT[,HOST:PORT]/APP[?local=N]"

// clusterConfig is what a kafka:// master says.
type clusterConfig struct {
	url     string
	brokers []string
	app     string
	workers int
	session time.Duration
	txn     time.Duration
}

// parseClusterMaster reads kafka://HOST:PORT[,HOST:PORT]/APP[?local=N&session=D&txn=D].
func parseClusterMaster(master string) (*clusterConfig, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("master %q: %s", master, fmt.Sprintf(format, args...))
	}
	rest := strings.TrimPrefix(master, "kafka://")
	query := ""
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest, query = rest[:i], rest[i+1:]
	}
	hosts, app, found := strings.Cut(rest, "/")
	if !found || app == "" {
		return nil, bad("want %s: the application name APP after the brokers is missing", clusterURLShape)
	}
	if hosts == "" {
		return nil, bad("want %s: no broker address", clusterURLShape)
	}
	if len(app) > 200 || strings.IndexFunc(app, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-')
	}) >= 0 {
		return nil, bad("the application name %q: want 1 to 200 characters of a-z A-Z 0-9 . _ - (it names Kafka topics)", app)
	}
	c := &clusterConfig{url: master, app: app, workers: 2, session: 6 * time.Second, txn: 10 * time.Second}
	for _, h := range strings.Split(hosts, ",") {
		host, port, ok := strings.Cut(h, ":")
		if n, err := strconv.Atoi(port); !ok || host == "" || err != nil || n < 1 || n > 65535 {
			return nil, bad("want %s: broker %q is not HOST:PORT", clusterURLShape, h)
		}
		c.brokers = append(c.brokers, h)
	}
	vals, err := url.ParseQuery(query)
	if err != nil {
		return nil, bad("the parameters %q: %v", query, err)
	}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := vals.Get(k)
		switch k {
		case "local":
			if v == "*" {
				c.workers = runtime.NumCPU()
				break
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return nil, bad("local=%s: want a whole number of workers ≥ 1 or *", v)
			}
			c.workers = n
		case "session", "txn":
			d, err := time.ParseDuration(v)
			if err != nil || d < time.Second {
				return nil, bad("%s=%s: want a duration of at least 1s, such as 6s", k, v)
			}
			if k == "session" {
				c.session = d
			} else {
				c.txn = d
			}
		default:
			return nil, bad("unknown parameter %s (want local, session or txn)", k)
		}
	}
	return c, nil
}

// sameBrokers reports whether two broker lists name the same addresses.
func sameBrokers(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}

// clusterName is how errors name the job: kafka://BROKERS/APP.
func (c *clusterConfig) clusterName() string {
	return "kafka://" + strings.Join(c.brokers, ",") + "/" + c.app
}

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
			return fmt.Errorf("%s cannot be split among the members of %s: a cluster job reads only KafkaStream inputs", in.d.op, c.clusterName())
		}
		if !sameBrokers(ks.kafka.Brokers, c.brokers) {
			return fmt.Errorf("KafkaStream reads from the brokers %s but the job runs on %s: a cluster job uses one Kafka cluster", ks.kafka, c.clusterName())
		}
		if ks.kafka.Group != "" && ks.kafka.Group != c.app {
			return fmt.Errorf("KafkaStream has the consumer group %q but a cluster job's group is its APP %q: leave Kafka.Group empty", ks.kafka.Group, c.app)
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
		if !sameBrokers(s.Brokers, c.brokers) {
			return fmt.Errorf("SaveToKafka writes to the brokers %s but the job runs on %s: a cluster job uses one Kafka cluster", s, c.clusterName())
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
	counts, err := cluster.PartitionCounts(c.brokers, topics)
	if err != nil {
		buildErrorf(op, "a cluster job's tasks are its input topics' partitions, so the topics must exist when the stream is made: %v (at %s)", err, c.clusterName())
	}
	all := slices.Clone(topics)
	ssc.mu.Lock()
	defer ssc.mu.Unlock()
	if ssc.clusterParts > 0 {
		all = append([]string{ssc.clusterTopic}, all...)
		counts[ssc.clusterTopic] = ssc.clusterParts
	}
	if err := coPartitioned(all, counts); err != nil {
		buildErrorf(op, "%v", err)
	}
	if ssc.clusterParts == 0 {
		ssc.clusterParts, ssc.clusterTopic = counts[topics[0]], topics[0]
		ssc.ex.parallelism = ssc.clusterParts
	}
}
