package engine

import (
	"time"
)

// LastBatch returns the metrics of the most recently completed batch.
func (ssc *StreamingContext) LastBatch() (BatchInfo, bool) {
	ssc.mu.Lock()
	defer ssc.mu.Unlock()
	return ssc.last, ssc.hasLast
}

func (ssc *StreamingContext) listenerList() []StreamingListener { return ssc.bus.List() }

// AddStreamingListener registers l for batch events (and the other events
// of listener_events.go that l implements).
func (ssc *StreamingContext) AddStreamingListener(l StreamingListener) { ssc.bus.Add(l) }

// BatchInfo describes one batch and how long it took.
type BatchInfo struct {
	BatchTime       Time
	Records         int     // input records in the batch
	Rate            float64 // records/s the inputs were limited to (MaxRatePerPartition, backpressure); 0: no limit
	SubmissionTime  time.Time
	ProcessingStart time.Time
	ProcessingEnd   time.Time
	SchedulingDelay time.Duration // from submission to the start of the first job
	ProcessingDelay time.Duration // running the jobs
	TotalDelay      time.Duration // scheduling + processing
	Err             error         // the batch's job errors, if any
	// Inputs is each input stream's share of Records, in stream order.
	Inputs []StreamInputInfo
	// OutputOperations are the batch's jobs, one per output operation
	// that ran at the batch's time (set when the batch completed).
	OutputOperations []OutputOperationInfo
}

// StreamingListener hears about completed batches. A listener may also
// implement BatchSubmittedListener and BatchStartedListener.
type StreamingListener interface {
	OnBatchCompleted(info BatchInfo)
}

// BatchSubmittedListener hears about batches when they are generated.
type BatchSubmittedListener interface {
	OnBatchSubmitted(info BatchInfo)
}

// BatchStartedListener hears about batches when their first job starts.
type BatchStartedListener interface {
	OnBatchStarted(info BatchInfo)
}

// OnBatchCompleted returns a StreamingListener that calls f after every batch.
func OnBatchCompleted(f func(BatchInfo)) StreamingListener { return &funcListener{f} }
