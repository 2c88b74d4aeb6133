// NetworkWordCount counts the words in the text received every second from
// a TCP server, as Spark Streaming's example of the same name.
//
// Start a server, for example with netcat:
//
//	nc -lk 9999
//
// and then, interpreted or compiled, unchanged:
//
//	gostream run examples/networkwordcount/main.go localhost 9999
//	go run ./examples/networkwordcount localhost 9999
//
// Type into netcat and the counts of every batch appear. With -duration the
// program stops gracefully after that long; otherwise it runs until
// interrupted.
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gostream/gostream/engine"
)

func main() {
	batch := flag.Duration("batch", time.Second, "batch interval")
	duration := flag.Duration("duration", 0, "stop gracefully after this long (0: run until interrupted)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: NetworkWordCount [flags] <hostname> <port>")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	}
	port, err := strconv.Atoi(flag.Arg(1))
	if err != nil {
		fmt.Fprintf(os.Stderr, "NetworkWordCount: port %q: %v\n", flag.Arg(1), err)
		os.Exit(2)
	}

	ssc := engine.NewStreamingContext("local[2]", "NetworkWordCount", *batch)
	lines := ssc.SocketTextStream(flag.Arg(0), port)
	words := lines.FlatMap(strings.Fields)
	pairs := words.Map(func(w string) engine.Pair { return engine.KV(w, 1) })
	wordCounts := pairs.ReduceByKey(func(a, b int) int { return a + b })
	wordCounts.Print()

	if err := ssc.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if *duration > 0 {
		if stopped, err := ssc.AwaitTerminationOrTimeout(*duration); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		} else if !stopped {
			ssc.Stop(true)
		}
		return
	}
	if err := ssc.AwaitTermination(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
