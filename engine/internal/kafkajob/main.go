// Command kafkajob is what the Kafka tests run as separate processes:
//
//	kafkajob -mode cluster [-port P] [-brokers N] [-partitions P] [-max-message-bytes B]
//	    the development cluster `gostream kafka` serves; it prints its
//	    bootstrap address and runs until killed.
//	kafkajob -mode wordcount -brokers ADDRS -ckpt DIR -in TOPIC -out TOPIC -words N
//	    a running word count kept by UpdateStateByKey, checkpointed into
//	    DIR and recovered with GetOrCreate, that writes every batch's
//	    changed counts to the output topic with Transactional() and stops
//	    gracefully once the counts add up to N words.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gostream/gostream/engine"
	"github.com/gostream/gostream/internal/kafkadev"
)

func main() {
	mode := flag.String("mode", "cluster", "cluster or wordcount")
	brokers := flag.String("brokers", "1", "cluster: how many brokers; wordcount: their addresses, comma-separated")
	port := flag.Int("port", 0, "cluster: the first broker's port (0: free ports)")
	partitions := flag.Int("partitions", 1, "cluster: partitions of a topic created on first use")
	maxMessage := flag.Int("max-message-bytes", 0, "cluster: the brokers' message.max.bytes")
	ckpt := flag.String("ckpt", "", "wordcount: checkpoint directory")
	in := flag.String("in", "in", "wordcount: input topic")
	out := flag.String("out", "out", "wordcount: output topic")
	words := flag.Int("words", 0, "wordcount: words to wait for")
	batch := flag.Duration("batch", 200*time.Millisecond, "wordcount: batch interval")
	flag.Parse()
	switch *mode {
	case "cluster":
		var n int
		fmt.Sscan(*brokers, &n)
		c, err := kafkadev.Start(kafkadev.Config{Port: *port, Brokers: n, Partitions: *partitions, MaxMessage: *maxMessage})
		if err != nil {
			fmt.Fprintln(os.Stderr, "kafkajob:", err)
			os.Exit(1)
		}
		fmt.Println(c.Bootstrap())
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		<-sig
		c.Close()
	case "wordcount":
		wordCount(strings.Split(*brokers, ","), *ckpt, *in, *out, *words, *batch)
	default:
		fmt.Fprintf(os.Stderr, "kafkajob: unknown mode %q\n", *mode)
		os.Exit(2)
	}
}

func wordCount(brokers []string, ckpt, in, out string, words int, batch time.Duration) {
	var mu sync.Mutex
	total := 0
	create := func() *engine.StreamingContext {
		ssc := engine.NewStreamingContext("local[2]", "kafkawc", batch, engine.WithBatchLog(os.Stderr))
		kafka := engine.Kafka{Brokers: brokers, Group: "kafkawc"}
		recs := ssc.KafkaStream(kafka, []string{in}, engine.StartingOffsets(engine.Earliest))
		pairs := recs.Map(func(r engine.KafkaRecord) string { return r.Value }).
			FlatMap(strings.Fields).Map(engine.WithOne)
		counts := pairs.UpdateStateByKey(func(vs []int, state *int) *int {
			n := 0
			if state != nil {
				n = *state
			}
			for _, v := range vs {
				n += v
			}
			return &n
		})
		// Only the keys of this batch's words: their new totals.
		changed := pairs.ReduceByKey(engine.Sum).Join(counts).Map(func(p engine.Pair) engine.Pair {
			return engine.KV(p.Key, p.Value.(engine.Pair).Value)
		})
		changed.SaveToKafka(kafka, out, engine.Transactional())
		counts.ForeachRDD(func(rdd *engine.RDD) {
			n := 0
			for _, p := range rdd.Collect() {
				n += p.(engine.Pair).Value.(int)
			}
			mu.Lock()
			total = n
			mu.Unlock()
		})
		ssc.Checkpoint(ckpt)
		return ssc
	}
	ssc := engine.GetOrCreate(ckpt, create)
	if err := ssc.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "kafkajob:", err)
		os.Exit(1)
	}
	fmt.Println("started")
	for {
		mu.Lock()
		n := total
		mu.Unlock()
		if n >= words {
			break
		}
		if stopped, err := ssc.AwaitTerminationOrTimeout(20 * time.Millisecond); stopped || err != nil {
			fmt.Fprintln(os.Stderr, "kafkajob:", err)
			os.Exit(1)
		}
	}
	ssc.Stop(true)
	fmt.Println("done", total)
}
