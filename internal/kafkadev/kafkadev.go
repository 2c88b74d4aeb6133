// Package kafkadev runs a local Kafka-protocol development cluster, franz-go's
// kfake, on 127.0.0.1: what `gostream kafka` serves, so that Kafka streams can
// be tried with nothing to install, and what the tests start as a separate
// process.
package kafkadev

import (
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Config is how the cluster is laid out.
type Config struct {
	Port       int      // the first broker's port; the others take the next ones. 0: free ports
	Brokers    int      // brokers in the cluster (at least 1)
	Partitions int      // partitions of topics created on first use (0: 1)
	DataDir    string   // where the cluster keeps its logs across restarts; "": in memory
	MaxMessage int      // the brokers' message.max.bytes (0: kfake's default, 1 MiB)
	Topics     []string // topics to create at the start, with Partitions partitions
}

// Cluster is a running development cluster.
type Cluster struct{ c *kfake.Cluster }

// Start starts the cluster. Topics are created on first use, as a broker with
// auto.create.topics.enable does.
func Start(cfg Config) (*Cluster, error) {
	if cfg.Brokers < 1 {
		return nil, fmt.Errorf("want at least 1 broker, got %d", cfg.Brokers)
	}
	if cfg.Port < 0 || cfg.Port+cfg.Brokers-1 > 65535 {
		return nil, fmt.Errorf("port %d: want 0 (free ports) or a port from 1 to %d for %d brokers", cfg.Port, 65536-cfg.Brokers, cfg.Brokers)
	}
	opts := []kfake.Opt{kfake.NumBrokers(cfg.Brokers), kfake.AllowAutoTopicCreation()}
	if cfg.Port > 0 {
		ports := make([]int, cfg.Brokers)
		for i := range ports {
			ports[i] = cfg.Port + i
		}
		opts = append(opts, kfake.Ports(ports...))
	} else {
		opts = append(opts, kfake.Ports(make([]int, cfg.Brokers)...))
	}
	if cfg.Partitions > 0 {
		opts = append(opts, kfake.DefaultNumPartitions(cfg.Partitions))
	}
	if len(cfg.Topics) > 0 {
		opts = append(opts, kfake.SeedTopics(int32(max(cfg.Partitions, 1)), cfg.Topics...))
	}
	if cfg.DataDir != "" {
		opts = append(opts, kfake.DataDir(cfg.DataDir))
	}
	if cfg.MaxMessage > 0 {
		opts = append(opts, kfake.BrokerConfigs(map[string]string{"message.max.bytes": fmt.Sprint(cfg.MaxMessage)}))
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		return nil, err
	}
	return &Cluster{c}, nil
}

// Addrs returns the brokers' host:port addresses.
func (c *Cluster) Addrs() []string { return c.c.ListenAddrs() }

// Bootstrap returns the addresses joined by commas, as clients take them.
func (c *Cluster) Bootstrap() string { return strings.Join(c.Addrs(), ",") }

// Close stops the brokers.
func (c *Cluster) Close() { c.c.Close() }
