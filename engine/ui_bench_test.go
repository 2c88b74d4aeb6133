package engine_test

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gostream/gostream/engine"
)

// BenchmarkWordCountUI is the word count of BenchmarkWordCount with the
// streaming UI off and on, each pass running both (in alternating order,
// so both see the same load). With the UI on, a watcher fetches the
// streaming page as an open browser tab does, whenever the data changes
// and at most every 400 ms, and /metrics every second. It reports
// x-ui-off, the time with the UI over the time without:
//
//	go test -run '^$' -bench WordCountUI -benchtime 3x ./engine/
func BenchmarkWordCountUI(b *testing.B) {
	e := setupBench(b)
	build := func(ssc *engine.StreamingContext, q *engine.Queue) {
		ssc.QueueStream(q, true).FlatMap(strings.Fields).Map(engine.WithOne).ReduceByKey(engine.Sum).ForeachRDD(countKeys(b))
	}
	pass := func(withUI bool) time.Duration {
		var stop chan struct{}
		var watchers sync.WaitGroup
		if withUI {
			url, err := engine.StartUI("127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			stop = make(chan struct{})
			watchers.Add(1)
			go func() {
				defer watchers.Done()
				watch(url, stop)
			}()
		}
		ssc := engine.NewStreamingContext("local[2]", "bench", time.Second, engine.WithManualClock(), engine.WithBatchLog(nil))
		q := engine.NewQueue()
		build(ssc, q)
		if err := ssc.Start(); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		feed(b, ssc, q, e.corpus)
		d := time.Since(start)
		ssc.Stop(false)
		if withUI {
			close(stop)
			engine.StopUI() // ends a request waiting for a change
			watchers.Wait()
		}
		return d
	}
	b.ReportAllocs()
	var on, off time.Duration
	for i := range b.N {
		b.StopTimer()
		if i%2 == 0 {
			off += pass(false)
			b.StartTimer()
			on += pass(true)
		} else {
			b.StartTimer()
			on += pass(true)
			b.StopTimer()
			off += pass(false)
		}
		b.StopTimer()
	}
	b.ReportMetric(float64(e.lines)*float64(b.N)/on.Seconds(), "records/s")
	b.ReportMetric(on.Seconds()/off.Seconds(), "x-ui-off")
	b.Logf("%d passes: UI on %v, UI off %v", b.N, on, off)
}

// watch follows the streaming page as the page's script does, and scrapes
// /metrics every second, until stop is closed.
func watch(url string, stop <-chan struct{}) {
	client := &http.Client{Timeout: 30 * time.Second}
	version := "0"
	lastMetrics := time.Time{}
	for {
		select {
		case <-stop:
			return
		default:
		}
		resp, err := client.Get(url + "?partial=1&v=" + version)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			version = resp.Header.Get("X-UI-Version")
		}
		if time.Since(lastMetrics) > time.Second {
			if resp, err := client.Get(url + "metrics"); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			lastMetrics = time.Now()
		}
		select {
		case <-stop:
			return
		case <-time.After(400 * time.Millisecond):
		}
	}
}
