// Command kafkawordcount counts the words of the lines on a Kafka topic and
// writes each batch's counts to another topic, exactly once, in Kafka
// transactions. Try it against the local development cluster:
//
//	gostream kafka &                       # prints 127.0.0.1:9092
//	go run ./examples/kafkawordcount       # or: gostream run examples/kafkawordcount/main.go
//	printf 'to be or not to be\n' | kcat -b 127.0.0.1:9092 -P -t lines
//	kcat -b 127.0.0.1:9092 -C -t counts -X isolation.level=read_committed -f '%k %s\n'
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/gostream/gostream/engine"
)

func main() {
	brokers := flag.String("brokers", "127.0.0.1:9092", "Kafka bootstrap addresses, comma-separated")
	in := flag.String("in", "lines", "topic to read lines from")
	out := flag.String("out", "counts", "topic to write (word, count) records to")
	batches := flag.Int("batches", 0, "stop after this many batches (0: run until interrupted)")
	flag.Parse()

	kafka := engine.Kafka{Brokers: strings.Split(*brokers, ","), Group: "kafkawordcount"}
	ssc := engine.NewStreamingContext("local[2]", "kafkawordcount", time.Second, engine.WithBackpressure())
	recs := ssc.KafkaStream(kafka, []string{*in}, engine.StartingOffsets(engine.Earliest),
		engine.MaxRatePerPartition(10_000))
	counts := recs.Map(func(r engine.KafkaRecord) string { return r.Value }).
		FlatMap(strings.Fields).Map(engine.WithOne).ReduceByKey(engine.Sum)
	counts.Print()
	counts.SaveToKafka(kafka, *out, engine.Transactional())

	done := 0
	ssc.AddStreamingListener(engine.OnBatchCompleted(func(engine.BatchInfo) { done++ }))
	if err := ssc.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for *batches == 0 || done < *batches {
		if stopped, err := ssc.AwaitTerminationOrTimeout(100 * time.Millisecond); stopped || err != nil {
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			return
		}
	}
	ssc.Stop(true)
}
