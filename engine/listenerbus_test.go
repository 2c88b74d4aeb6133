package engine_test

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/gostream/gostream/engine"
)

type panicky struct{}

func (panicky) OnBatchStarted(engine.BatchInfo)   { panic("started went wrong") }
func (panicky) OnBatchCompleted(engine.BatchInfo) { panic("completed went wrong") }

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestPanickingListenerIsReported: a listener whose methods panic is
// reported on the batch log; the batch completes, later listeners hear of
// it, and the next batch runs.
func TestPanickingListenerIsReported(t *testing.T) {
	var log lockedBuffer
	ssc := engine.NewStreamingContext("local[2]", "panicky", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(&log))
	ssc.QueueStream(engine.NewQueue(), true).ForeachRDD(func(*engine.RDD) {})
	var completed []engine.Time
	ssc.AddStreamingListener(panicky{})
	ssc.AddStreamingListener(engine.OnBatchCompleted(func(info engine.BatchInfo) { completed = append(completed, info.BatchTime) }))
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	ssc.Advance(engine.Seconds(2))
	ssc.Stop(true)
	if len(completed) != 2 {
		t.Errorf("the second listener heard of %v, want 2 batches", completed)
	}
	got := log.String()
	for _, want := range []string{
		"panic in the listener's OnBatchStarted: started went wrong (the listener stays registered)\n",
		"panic in the listener's OnBatchCompleted: completed went wrong (the listener stays registered)\n",
	} {
		if n := strings.Count(got, want); n != 2 {
			t.Errorf("%q reported %d times, want 2; batch log:\n%s", want, n, got)
		}
	}
}
