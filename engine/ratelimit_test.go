package engine

import (
	"bufio"
	"fmt"
	"net"
	"regexp"
	"sort"
	"sync"
	"testing"
	"time"
)

// floodServer accepts connections on 127.0.0.1 and writes numbered lines
// to each as fast as it takes them, until the connection closes.
func floodServer(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				w := bufio.NewWriterSize(c, 64<<10)
				for i := 0; ; i++ {
					if _, err := fmt.Fprintf(w, "line %d\n", i); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestBackpressureSocketStream: a socket source that floods the receiver,
// and a pipeline that takes 1 ms a record, so it sustains 1,000 records a
// second. With backpressure the PID estimator brings the receiver's rate
// down to what the pipeline sustains: batches hold about a batch interval's
// worth of that rate, and BatchInfo and the batch log show the rate in force.
func TestBackpressureSocketStream(t *testing.T) {
	const (
		perRecord   = time.Millisecond
		sustainable = float64(time.Second / perRecord)
		interval    = 200 * time.Millisecond
	)
	port := floodServer(t)
	var log syncBuffer
	ssc := NewStreamingContext("local[2]", t.Name(), interval, WithBackpressureInitialRate(100), WithBatchLog(&log))
	lines := ssc.SocketTextStream("127.0.0.1", port)
	lines.ForeachRDD(func(r *RDD) { time.Sleep(time.Duration(r.Count()) * perRecord) })
	var mu sync.Mutex
	var infos []BatchInfo
	ssc.AddStreamingListener(OnBatchCompleted(func(b BatchInfo) {
		mu.Lock()
		infos = append(infos, b)
		mu.Unlock()
	}))
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	defer ssc.Stop(false)

	// On an idle machine the rate settles a little under 1,000 records/s
	// (each batch's fixed costs come on top of 1 ms a record); a loaded one
	// processes more slowly and the rate follows it down. It never goes above
	// the sustainable rate: the estimate is the rate the batches were
	// processed at, less the backlog.
	lo, hi := 0.3*sustainable, 1.05*sustainable
	const window = 5
	var last []BatchInfo
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		n := len(infos)
		if n >= window+2 {
			last = append(last[:0], infos[n-window:]...)
		}
		mu.Unlock()
		converged := len(last) == window
		for _, b := range last {
			converged = converged && b.Rate >= lo && b.Rate <= hi
		}
		if converged {
			break
		}
		if time.Now().After(deadline) {
			mu.Lock()
			defer mu.Unlock()
			for _, b := range infos {
				t.Logf("batch %s: %d records, rate %.0f, processing %v, scheduling delay %v", b.BatchTime, b.Records, b.Rate, b.ProcessingDelay, b.SchedulingDelay)
			}
			t.Fatalf("the rate did not settle between %.0f and %.0f records/s within 30 s", lo, hi)
		}
		time.Sleep(interval / 2)
	}
	var rates []float64
	for _, b := range last {
		rates = append(rates, b.Rate)
		// A batch holds what the receiver took over one interval; the rate
		// may change within it, and the limiter holds at most a second's
		// worth in reserve, spent only after an idle spell.
		if most := int(hi * (interval.Seconds() + 1)); b.Records > most {
			t.Errorf("batch %s: %d records at rate %.0f, want at most %d", b.BatchTime, b.Records, b.Rate, most)
		}
		if b.Records == 0 {
			t.Errorf("batch %s: no records; the flooding source should fill every batch", b.BatchTime)
		}
	}
	sort.Float64s(rates)
	t.Logf("rate settled at %.0f records/s (median of the last %d batches; sustainable %.0f)", rates[window/2], window, sustainable)
	// The first batches ran at the initial rate, before any estimate.
	mu.Lock()
	first := infos[0]
	mu.Unlock()
	if first.Rate != 100 {
		t.Errorf("first batch's rate %v, want the initial rate 100", first.Rate)
	}
	re := regexp.MustCompile(`\(execution: [0-9.]+ s, rate: ([0-9]+) records/s\)`)
	if m := re.FindAllStringSubmatch(log.take(), -1); len(m) < window {
		t.Errorf("the batch log shows the rate on %d lines, want every batch's", len(m))
	}
}

// floodReceiver stores records one by one as fast as its rate lets it.
type floodReceiver struct{}

func (floodReceiver) OnStart(ctx *ReceiverContext) {
	go func() {
		for ctx.Store("r") == nil {
		}
	}()
}

func (floodReceiver) OnStop() {}

// TestBackpressureCustomReceiverCapped: a custom receiver's rate follows
// the estimate under its MaxRate. On the manual clock the limiter refills
// by batch time, so a batch holds the rate in force times the interval.
// A pipeline that sustains 200 records a second brings the rate from the
// initial 50 to about 200, under the cap of 1,000; one that sustains more
// than the cap runs at the cap.
func TestBackpressureCustomReceiverCapped(t *testing.T) {
	run := func(interval time.Duration, cost func(records int) time.Duration) []BatchInfo {
		ssc := NewStreamingContext("local[2]", t.Name(), interval, WithManualClock(), WithBatchLog(nil), WithBackpressureInitialRate(50))
		defer ssc.Stop(false)
		ssc.ReceiverStream(floodReceiver{}, MaxRate(1000)).ForeachRDD(func(r *RDD) { time.Sleep(cost(r.Count())) })
		var infos []BatchInfo
		ssc.AddStreamingListener(OnBatchCompleted(func(b BatchInfo) { infos = append(infos, b) }))
		if err := ssc.Start(); err != nil {
			t.Fatal(err)
		}
		src := ssc.inputs[0].src.(*receiverSource)
		buffered := func() int {
			return src.src.Buffered()
		}
		for i := 0; i < 6; i++ {
			// Every batch gets records: the receiver takes the tokens as
			// soon as the batch before refilled the bucket.
			deadline := time.Now().Add(10 * time.Second)
			for buffered() == 0 {
				if time.Now().After(deadline) {
					t.Fatalf("batch %d: the receiver stored nothing within 10 s", i+1)
				}
				time.Sleep(time.Millisecond)
			}
			if err := ssc.Advance(interval); err != nil {
				t.Fatal(err)
			}
		}
		return infos
	}
	slow := run(Milliseconds(100), func(n int) time.Duration { return time.Duration(n) * 5 * time.Millisecond })
	if slow[0].Rate != 50 || slow[1].Rate != 50 {
		t.Errorf("slow pipeline: first rates %v, %v; want the initial 50 until the first estimate", slow[0].Rate, slow[1].Rate)
	}
	for _, b := range slow[3:] {
		if b.Rate < 100 || b.Rate > 200 {
			t.Errorf("slow pipeline, batch %s: rate %v, want between Spark's minimum 100 and the sustainable 200", b.BatchTime, b.Rate)
		}
	}
	// 1 ms a batch (the estimator needs a processing time of a millisecond
	// at least), whatever its size, with batches of a second: the cap's
	// 1,000 records a batch sustain 1,000,000 records/s, over the cap
	// unless a loaded machine stretches a batch's processing past the
	// second itself. The first estimate, from batches of 50 records, may
	// fall under the cap; from the next on, batches are larger.
	fast := run(Seconds(1), func(int) time.Duration { return time.Millisecond })
	for _, b := range fast[3:] {
		if b.Rate != 1000 {
			t.Errorf("fast pipeline, batch %s: rate %v, want MaxRate's 1000", b.BatchTime, b.Rate)
		}
	}
}
