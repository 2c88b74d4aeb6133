package engine

import (
	"errors"
	"fmt"
	"time"

	"github.com/gostream/gostream/engine/internal/scheduler"
)

// A context's batches, as engine/internal/scheduler generates and runs
// them: what generating and running batch t mean (the inputs, the outputs,
// the checkpointer, the listeners, a cluster member's transaction), and the
// public face of the loop (Advance, Stop, AwaitTermination, Err).

// Advance moves a manual clock forward by d, generating and running every
// batch that falls due; it returns when their jobs are done, with the first
// batch's error.
func (ssc *StreamingContext) Advance(d time.Duration) error {
	const op = "StreamingContext.Advance"
	err := ssc.sched.Advance(durMS(d))
	switch {
	case errors.Is(err, scheduler.ErrNotManual):
		return &Error{Op: op, Msg: "the context has a real clock; create it WithManualClock() to advance time by hand"}
	case errors.Is(err, scheduler.ErrNotStarted):
		return &Error{Op: op, Msg: "the context is not started yet; call ssc.Start() first"}
	case errors.Is(err, scheduler.ErrStopped):
		return &Error{Op: op, Msg: "the context is stopped; a stopped context cannot be restarted, create a new one"}
	case errors.Is(err, scheduler.ErrInJob):
		// The batch running this job would wait for the batches it advanced to.
		return &Error{Op: op, Msg: "called from inside one of the context's own jobs (a ForeachRDD function); advance the clock from outside its batches"}
	}
	return err
}

// Now returns the current time of the context's clock.
func (ssc *StreamingContext) Now() Time { return Time(ssc.clock.Now()) }

// Stop stops the streams. With graceful true it first stops receiving and
// waits until every batch of data already received has been processed;
// otherwise batches not yet started are dropped. Stop is idempotent. Called
// from inside one of the context's own jobs (a ForeachRDD function), which
// cannot finish while Stop waits for it, Stop returns at once and the
// context stops when the job's batch is over; no later batch starts.
func (ssc *StreamingContext) Stop(graceful bool) {
	ssc.mu.Lock()
	switch ssc.state {
	case Stopped:
		ssc.mu.Unlock()
		return
	case Initialized:
		ssc.state = Stopped
		ssc.releaseLocked()
		ssc.mu.Unlock()
		ssc.sched.Close()
		return
	}
	ssc.mu.Unlock()
	ssc.sched.Stop(graceful)
}

// jobs is a context as the scheduler sees it.
type jobs struct{ ssc *StreamingContext }

func newScheduler(ssc *StreamingContext) *scheduler.Scheduler[*batch] {
	return scheduler.New[*batch](jobs{ssc}, ssc.clock, durMS(ssc.batch))
}

// Generate cuts batch t; a cluster member's batch is one transaction, so
// its input is cut when it runs.
func (j jobs) Generate(t int64) *batch {
	if j.ssc.member != nil {
		return &batch{time: Time(t), submitted: time.Now(), deferred: true}
	}
	return j.ssc.generate(Time(t))
}

func (j jobs) Run(b *batch) error { return j.ssc.runBatch(b) }

func (j jobs) StopInputs(graceful bool) {
	for _, in := range j.ssc.inputList() {
		in.src.stop(graceful)
	}
}

// Pending reports whether a source has data waiting for a batch.
func (j jobs) Pending() bool {
	for _, in := range j.ssc.inputList() {
		if p, ok := in.src.(interface{ pending() bool }); ok && p.pending() {
			return true
		}
	}
	return false
}

// Stopped lets go of the cluster group, the sources and the checkpointer
// once the last batch is over.
func (j jobs) Stopped() {
	ssc := j.ssc
	if ssc.member != nil {
		ssc.member.close() // leave the group: the partitions move at once
	}
	for _, in := range ssc.inputList() {
		if s, ok := in.src.(interface{ stopped() }); ok {
			s.stopped() // after the last batch: its commits are done
		}
	}
	ssc.mu.Lock()
	if ssc.ckpt != nil {
		ssc.ckpt.ck.Close()
	}
	ssc.state = Stopped
	ssc.releaseLocked()
	ssc.mu.Unlock()
	running.Stopped(ssc)
}

func (ssc *StreamingContext) inputList() []*input {
	ssc.mu.Lock()
	defer ssc.mu.Unlock()
	return append([]*input(nil), ssc.inputs...)
}

// releaseLocked lets go of what a stopped context no longer needs: its
// streams' state and functions, the checkpointer and the recovered
// checkpoint. A session that creates and
// stops many contexts keeps only their small shells (State, Err,
// LastBatch) for as long as its variables refer to them. Call with ssc.mu
// held, once the context is stopped and no batch runs.
func (ssc *StreamingContext) releaseLocked() {
	for _, d := range ssc.streams {
		d.release()
	}
	ssc.ckpt, ssc.recovered = nil, nil
}

// AwaitTermination blocks until the context is stopped or a batch fails,
// and returns the first batch error, if any.
func (ssc *StreamingContext) AwaitTermination() error {
	if err := ssc.awaitable("StreamingContext.AwaitTermination"); err != nil {
		return err
	}
	_, err := ssc.sched.Wait(-1)
	return err
}

// AwaitTerminationOrTimeout is AwaitTermination for at most d; stopped
// reports whether the context stopped. A context already stopped, or with
// a failed batch, returns at once, whatever d; d = 0 only checks, and a
// negative d waits as AwaitTermination does (Spark's timeout of -1).
func (ssc *StreamingContext) AwaitTerminationOrTimeout(d time.Duration) (stopped bool, err error) {
	if err := ssc.awaitable("StreamingContext.AwaitTerminationOrTimeout"); err != nil {
		return false, err
	}
	return ssc.sched.Wait(d)
}

// awaitable refuses to wait on a context that was never started: nothing
// would ever end the wait.
func (ssc *StreamingContext) awaitable(op string) error {
	if ssc.State() == Initialized {
		return &Error{Op: op, Msg: "the context was never started, so it would wait forever; call ssc.Start() first"}
	}
	return nil
}

// Err returns the first batch error, or nil.
func (ssc *StreamingContext) Err() error { return ssc.sched.Err() }

func (ssc *StreamingContext) reportError(err error) { ssc.sched.Fail(err) }

// batch is one generated batch waiting to run.
type batch struct {
	time      Time
	submitted time.Time
	records   int
	inputs    []StreamInputInfo
	rate      float64 // the inputs' rate limits in force, records/s; 0: none
	deferred  bool    // a cluster member's batch, generated when it runs
}

// generate allocates the input of batch t; it runs at t on the real clock.
func (ssc *StreamingContext) generate(t Time) *batch {
	b := &batch{time: t, submitted: time.Now()}
	if ssc.member != nil {
		ssc.member.begin(t)
	}
	ssc.mu.Lock()
	inputs := append([]*input(nil), ssc.inputs...)
	ckpt := ssc.ckpt
	ssc.mu.Unlock()
	var recs []ckptBatch
	for i, in := range inputs {
		rdd, n := in.src.allocate(t)
		in.put(ssc, t, rdd)
		b.records += n
		b.inputs = append(b.inputs, StreamInputInfo{StreamID: i, Stream: in.d.op, Records: n})
		if rr, ok := in.src.(interface{ rateInForce() float64 }); ok {
			b.rate += rr.rateInForce()
		}
		if ckpt != nil {
			recs = append(recs, ckpt.ck.Record(i, int64(t), n))
		}
	}
	if ckpt != nil {
		ckpt.ck.Generated(int64(t), recs)
	}
	postEvent(ssc, ssc.listenerList(), "OnBatchSubmitted", func(l BatchSubmittedListener) {
		l.OnBatchSubmitted(BatchInfo{BatchTime: t, SubmissionTime: b.submitted, Records: b.records, Inputs: b.inputs})
	})
	return b
}

// runBatch runs the jobs of batch b, one per output operation in the order
// they were registered, then forgets what no stream needs any longer.
func (ssc *StreamingContext) runBatch(b *batch) error {
	if b.deferred {
		submitted := b.submitted
		b = ssc.generate(b.time)
		b.submitted = submitted
	}
	info := BatchInfo{BatchTime: b.time, SubmissionTime: b.submitted, Records: b.records, Inputs: b.inputs, Rate: b.rate, ProcessingStart: time.Now()}
	listeners := ssc.listenerList()
	postEvent(ssc, listeners, "OnBatchStarted", func(l BatchStartedListener) { l.OnBatchStarted(info) })
	ssc.mu.Lock()
	outputs := append([]*DStream(nil), ssc.outputs...)
	ckpt := ssc.ckpt
	ssc.mu.Unlock()
	ops, errs := ssc.runOutputs(b.time, outputs, listeners)
	if ssc.member != nil {
		errs = ssc.member.end(b.time, errs)
	}
	info.OutputOperations = ops
	info.ProcessingEnd = time.Now()
	info.SchedulingDelay = info.ProcessingStart.Sub(b.submitted)
	info.ProcessingDelay = info.ProcessingEnd.Sub(info.ProcessingStart)
	info.TotalDelay = info.ProcessingEnd.Sub(b.submitted)
	if len(errs) > 0 {
		info.Err = errors.Join(errs...)
		ssc.reportError(errs[0])
	}
	ssc.graph.Clear(int64(b.time), (*RDD).Unpersist)
	if ckpt != nil {
		ckpt.completed(b.time)
	}
	ssc.mu.Lock()
	ssc.last, ssc.hasLast = info, true
	ssc.mu.Unlock()
	ssc.outMu.Lock()
	if ssc.batchLog != nil {
		for _, err := range errs {
			fmt.Fprintf(ssc.batchLog, "Error running job for time %s: %v\n", b.time, err)
		}
		rate := ""
		if b.rate > 0 {
			rate = fmt.Sprintf(", rate: %.0f records/s", b.rate)
		}
		fmt.Fprintf(ssc.batchLog, "Total delay: %.3f s for time %s (execution: %.3f s%s)\n",
			info.TotalDelay.Seconds(), b.time, info.ProcessingDelay.Seconds(), rate)
	}
	ssc.outMu.Unlock()
	postEvent(ssc, listeners, "OnBatchCompleted", func(l StreamingListener) { l.OnBatchCompleted(info) })
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}
