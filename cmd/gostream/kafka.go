package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/gostream/gostream/internal/kafkadev"
)

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// runKafka serves a local Kafka-protocol development cluster until
// interrupted; its first line on standard output is the bootstrap address.
func runKafka(args []string) int {
	fs := flag.NewFlagSet("gostream kafka", flag.ContinueOnError)
	port := fs.Int("port", 9092, "the first broker's port on 127.0.0.1 (the others take the next ones; 0: free ports)")
	brokers := fs.Int("brokers", 1, "brokers in the cluster")
	partitions := fs.Int("partitions", 1, "partitions of a topic created on first use")
	dataDir := fs.String("data", "", "directory keeping the topics across restarts (default: in memory)")
	topics := fs.String("topics", "", "topics to create at the start, comma-separated")
	maxMessage := fs.Int("max-message-bytes", 0, "the brokers' message.max.bytes (default 1 MiB)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "usage: gostream kafka [flags]\n\nA local Kafka-protocol development cluster on 127.0.0.1; it prints its\nbootstrap address and runs until interrupted. Topics are created on first use.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "gostream kafka: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	c, err := kafkadev.Start(kafkadev.Config{Port: *port, Brokers: *brokers, Partitions: *partitions, DataDir: *dataDir, MaxMessage: *maxMessage, Topics: splitList(*topics)})
	if err != nil {
		fmt.Fprintf(os.Stderr, "gostream kafka: %v\n", err)
		return 1
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	fmt.Println(c.Bootstrap())
	fmt.Fprintf(os.Stderr, "Kafka development cluster: %d broker(s) at %s; Ctrl-C stops it\n", *brokers, c.Bootstrap())
	<-sig
	c.Close()
	return 0
}
