// Command clusterjob is a stateful word count written as a user would write
// one job that runs on several processes:
//
//	clusterjob -master kafka://HOST:PORT[,HOST:PORT]/APP -brokers HOST:PORT[,...] [-in lines] [-out counts]
//
// Every process started with the same master URL is a member of the one job
// APP: it reads its share of the input topic's partitions, keeps the running
// count of each word with UpdateStateByKey, and writes every word's count
// of each batch to the output topic with SaveToKafka (Transactional); with
// -output changed only the words of the batch, with their new counts (a
// ReduceByKey joined with the counts). With -more it also keeps the
// running counts with MapWithState, written record by record to topic
// mapped, and in an incremental window of an hour, written every batch to
// topic windowed. With -master local[2] the same program runs alone.
//
// It prints "started" once the context is running and, for every completed
// batch, a line
//
//	batch MS records N processing SECONDS
//
// (MS the batch time in milliseconds since the epoch, N its input records).
// SIGTERM or SIGINT stops it gracefully: the batches received are finished
// and it prints "stopped" and exits 0. Any error exits 1.
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
)

func main() {
	master := flag.String("master", "local[2]", "the master URL: local[N] or kafka://HOST:PORT[,HOST:PORT]/APP")
	brokers := flag.String("brokers", "", "the Kafka brokers, comma-separated")
	in := flag.String("in", "lines", "input topic")
	out := flag.String("out", "counts", "output topic")
	group := flag.String("group", "wordcount", "with local[N]: the consumer group of the input and of the transactional output")
	output := flag.String("output", "counts", "what goes to the output topic: counts (every word's count, every batch) or changed (only the batch's words, through a Join)")
	batch := flag.Duration("batch", 500*time.Millisecond, "batch interval")
	more := flag.Bool("more", false, "also count with MapWithState (to topic mapped) and an incremental window of an hour (to topic windowed)")
	flag.Parse()
	if *brokers == "" {
		fail(fmt.Errorf("-brokers is required"))
	}

	ssc := engine.NewStreamingContext(*master, "wordcount", *batch, engine.WithBatchLog(os.Stderr))
	ssc.AddStreamingListener(batchPrinter{})
	// In a cluster the consumer group is the job's APP: Group stays empty.
	kafka := engine.Kafka{Brokers: strings.Split(*brokers, ",")}
	if !strings.HasPrefix(*master, "kafka://") {
		kafka.Group = *group
	}
	lines := ssc.KafkaStream(kafka, []string{*in}, engine.StartingOffsets(engine.Earliest)).
		Map(func(r engine.KafkaRecord) string { return r.Value })
	words := lines.FlatMap(strings.Fields).Map(engine.WithOne)
	counts := words.UpdateStateByKey(func(vs []int, state *int) *int {
		n := 0
		if state != nil {
			n = *state
		}
		for _, v := range vs {
			n += v
		}
		return &n
	})
	switch *output {
	case "counts":
		counts.SaveToKafka(kafka, *out, engine.Transactional())
	case "changed":
		// Only the words of this batch, with their new totals.
		words.ReduceByKey(engine.Sum).Join(counts).Map(func(p engine.Pair) engine.Pair {
			return engine.KV(p.Key, p.Value.(engine.Pair).Value)
		}).SaveToKafka(kafka, *out, engine.Transactional())
	default:
		fail(fmt.Errorf("-output %q: want counts or changed", *output))
	}

	if *more {
		running := engine.StateSpecFunc(func(w string, one *int, s *engine.State) engine.Pair {
			n := *one
			if s.Exists() {
				n += s.Get().(int)
			}
			s.Update(n)
			return engine.KV(w, n)
		})
		words.MapWithState(running).SaveToKafka(kafka, "mapped", engine.Transactional())
		words.ReduceByKeyAndWindow(engine.Sum, time.Hour, *batch, engine.Inverse(engine.Diff)).
			SaveToKafka(kafka, "windowed", engine.Transactional())
	}

	if err := ssc.Start(); err != nil {
		fail(err)
	}
	fmt.Println("started")
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	stopped := make(chan error, 1)
	go func() { stopped <- ssc.AwaitTermination() }()
	select {
	case <-sig:
		ssc.Stop(true)
		if err := ssc.Err(); err != nil {
			fail(err)
		}
		say("stopped")
	case err := <-stopped:
		if err == nil {
			err = fmt.Errorf("the context stopped by itself")
		}
		fail(err)
	}
}

// batchPrinter prints a line for every completed batch.
type batchPrinter struct{}

func (batchPrinter) OnBatchCompleted(b engine.BatchInfo) {
	if b.Err != nil {
		return
	}
	say(fmt.Sprintf("batch %d records %d processing %.3f", b.BatchTime.Milliseconds(), b.Records, b.ProcessingDelay.Seconds()))
}

var out sync.Mutex

func say(s string) {
	out.Lock()
	defer out.Unlock()
	fmt.Println(s)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "clusterjob:", err)
	os.Exit(1)
}
