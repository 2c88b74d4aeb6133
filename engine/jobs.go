package engine

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"time"
)

// Job generation and scheduling: the batch loop on the clock, the queue of
// generated batches, running a batch's jobs, Advance and a graceful stop.

// Advance moves a manual clock forward by d, generating and running every
// batch that falls due; it returns when their jobs are done, with the first
// batch's error.
func (ssc *StreamingContext) Advance(d time.Duration) error {
	const op = "StreamingContext.Advance"
	ssc.mu.Lock()
	if ssc.hand == nil {
		ssc.mu.Unlock()
		return &Error{Op: op, Msg: "the context has a real clock; create it WithManualClock() to advance time by hand"}
	}
	switch ssc.state {
	case Initialized:
		ssc.mu.Unlock()
		return &Error{Op: op, Msg: "the context is not started yet; call ssc.Start() first"}
	case Stopped:
		ssc.mu.Unlock()
		return &Error{Op: op, Msg: "the context is stopped; a stopped context cannot be restarted, create a new one"}
	}
	if id := ssc.jobG.Load(); id != 0 && id == goroutineID() {
		// The batch running this job would wait for the batches it advanced to.
		ssc.mu.Unlock()
		return &Error{Op: op, Msg: "called from inside one of the context's own jobs (a ForeachRDD function); advance the clock from outside its batches"}
	}
	target := Time(ssc.hand.Now()).Add(d)
	ssc.mu.Unlock()
	var first error
	for {
		ssc.mu.Lock()
		t := ssc.next
		if t > target || ssc.state != Active || ssc.stopping {
			ssc.hand.Set(int64(target))
			ssc.mu.Unlock()
			return first
		}
		ssc.next = t.Add(ssc.batch)
		ssc.hand.Set(int64(t))
		ssc.mu.Unlock()
		b := ssc.generate(t)
		if err := ssc.runBatch(b); err != nil && first == nil {
			first = err
		}
	}
}

// Now returns the current time of the context's clock.
func (ssc *StreamingContext) Now() Time { return Time(ssc.clock.Now()) }

func (ssc *StreamingContext) generateLoop() {
	defer ssc.loops.Done()
	for {
		ssc.mu.Lock()
		t := ssc.next
		stopping := ssc.stopping
		ssc.mu.Unlock()
		if stopping {
			return
		}
		// Stop closes stopCh before done, so stopCh alone ends the wait.
		if !ssc.clock.WaitUntil(int64(t), ssc.stopCh) {
			return
		}
		ssc.mu.Lock()
		if ssc.stopping {
			ssc.mu.Unlock()
			return
		}
		ssc.next = t.Add(ssc.batch)
		ssc.mu.Unlock()
		if ssc.member != nil {
			// A member's batch is one transaction: its input is cut when it runs.
			ssc.enqueue(&batch{time: t, submitted: time.Now(), deferred: true})
			continue
		}
		ssc.enqueue(ssc.generate(t))
	}
}

func (ssc *StreamingContext) enqueue(b *batch) {
	ssc.mu.Lock()
	ssc.queue = append(ssc.queue, b)
	ssc.queueCond.Broadcast()
	ssc.mu.Unlock()
}

func (ssc *StreamingContext) runLoop() {
	defer ssc.loops.Done()
	for {
		ssc.mu.Lock()
		for len(ssc.queue) == 0 && !ssc.stopping {
			ssc.queueCond.Wait()
		}
		if len(ssc.queue) == 0 || ssc.stopping {
			// Stop drops the batches not yet started, or runs them itself
			// when graceful.
			ssc.mu.Unlock()
			return
		}
		b := ssc.queue[0]
		ssc.queue = ssc.queue[1:]
		ssc.running = true
		ssc.mu.Unlock()
		ssc.runBatch(b)
		ssc.mu.Lock()
		ssc.running = false
		ssc.queueCond.Broadcast()
		ssc.mu.Unlock()
	}
}

// Stop stops the streams. With graceful true it first stops receiving and
// waits until every batch of data already received has been processed;
// otherwise batches not yet started are dropped. Stop is idempotent. Called
// from inside one of the context's own jobs (a ForeachRDD function), which
// cannot finish while Stop waits for it, Stop returns at once and the
// context stops when the job's batch is over; no later batch starts.
func (ssc *StreamingContext) Stop(graceful bool) {
	own := false
	if id := ssc.jobG.Load(); id != 0 {
		own = id == goroutineID()
	}
	ssc.mu.Lock()
	switch ssc.state {
	case Stopped:
		ssc.mu.Unlock()
		return
	case Initialized:
		ssc.state = Stopped
		ssc.releaseLocked()
		close(ssc.done)
		ssc.mu.Unlock()
		return
	}
	if ssc.stopping {
		// Another goroutine is stopping the context: wait for it to finish.
		ssc.mu.Unlock()
		if !own {
			<-ssc.done
		}
		return
	}
	ssc.stopping = true
	ssc.queueCond.Broadcast()
	inputs := append([]*input(nil), ssc.inputs...)
	ssc.mu.Unlock()
	close(ssc.stopCh)
	if own {
		go ssc.finishStop(graceful, inputs)
		return
	}
	ssc.finishStop(graceful, inputs)
}

// finishStop stops the inputs and the loops, runs the last batch of a
// graceful stop, and marks the context stopped once no batch runs.
func (ssc *StreamingContext) finishStop(graceful bool, inputs []*input) {
	for _, in := range inputs {
		in.src.stop(graceful)
	}
	if ssc.hand == nil {
		ssc.loops.Wait()
		if graceful {
			// One last batch takes what the receivers handed over while stopping.
			ssc.mu.Lock()
			t := ssc.next
			pending := ssc.queue
			ssc.queue = nil
			ssc.mu.Unlock()
			for _, b := range pending {
				ssc.runBatch(b)
			}
			ssc.clock.WaitUntil(int64(t), nil)
			ssc.runBatch(ssc.generate(t))
		}
	} else if graceful {
		ssc.mu.Lock()
		t := ssc.next
		ssc.mu.Unlock()
		if ssc.hasPendingInput() {
			ssc.runBatch(ssc.generate(t))
		}
	}
	ssc.runMu.Lock() // wait for a batch still running
	ssc.runMu.Unlock()
	if ssc.member != nil {
		ssc.member.close() // leave the group: the partitions move at once
	}
	for _, in := range inputs {
		if s, ok := in.src.(interface{ stopped() }); ok {
			s.stopped() // after the last batch: its commits are done
		}
	}
	ssc.mu.Lock()
	if ssc.ckpt != nil {
		ssc.ckpt.close()
	}
	ssc.state = Stopped
	ssc.releaseLocked()
	close(ssc.done)
	ssc.mu.Unlock()
	hooksMu.Lock()
	delete(active, ssc)
	hooksMu.Unlock()
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
	ssc.ckpt, ssc.recovered, ssc.queue = nil, nil, nil
}

// pendingReporter is implemented by sources that can tell whether data is
// waiting for a batch.
type pendingReporter interface{ pending() bool }

func (ssc *StreamingContext) hasPendingInput() bool {
	for _, in := range ssc.inputs {
		if p, ok := in.src.(pendingReporter); ok && p.pending() {
			return true
		}
	}
	return false
}

// AwaitTermination blocks until the context is stopped or a batch fails,
// and returns the first batch error, if any.
func (ssc *StreamingContext) AwaitTermination() error {
	if err := ssc.awaitable("StreamingContext.AwaitTermination"); err != nil {
		return err
	}
	select {
	case <-ssc.done:
	case <-ssc.errCh:
	}
	return ssc.Err()
}

// AwaitTerminationOrTimeout is AwaitTermination for at most d; stopped
// reports whether the context stopped. A context already stopped, or with
// a failed batch, returns at once, whatever d; d = 0 only checks, and a
// negative d waits as AwaitTermination does (Spark's timeout of -1).
func (ssc *StreamingContext) AwaitTerminationOrTimeout(d time.Duration) (stopped bool, err error) {
	if err := ssc.awaitable("StreamingContext.AwaitTerminationOrTimeout"); err != nil {
		return false, err
	}
	select {
	case <-ssc.done:
		return true, ssc.Err()
	case <-ssc.errCh:
		return ssc.State() == Stopped, ssc.Err()
	default:
	}
	if d < 0 {
		err := ssc.AwaitTermination()
		return ssc.State() == Stopped, err
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ssc.done:
		return true, ssc.Err()
	case <-ssc.errCh:
		return ssc.State() == Stopped, ssc.Err()
	case <-timer.C:
		return false, nil
	}
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
func (ssc *StreamingContext) Err() error {
	ssc.mu.Lock()
	defer ssc.mu.Unlock()
	return ssc.firstErr
}

func (ssc *StreamingContext) reportError(err error) {
	ssc.mu.Lock()
	defer ssc.mu.Unlock()
	if ssc.firstErr == nil {
		ssc.firstErr = err
		close(ssc.errCh)
	}
}

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
		if rdd == nil {
			rdd = materialized(ssc.ex, in.d.op, nil)
		}
		rdd.time = t
		in.d.put(t, rdd)
		b.records += n
		b.inputs = append(b.inputs, StreamInputInfo{StreamID: i, Stream: in.d.op, Records: n})
		if rr, ok := in.src.(interface{ rateInForce() float64 }); ok {
			b.rate += rr.rateInForce()
		}
		if ckpt != nil {
			recs = append(recs, ckpt.record(i, t, n))
		}
	}
	if ckpt != nil {
		ckpt.generated(t, recs)
	}
	postEvent(ssc, ssc.listenerList(), "OnBatchSubmitted", func(l BatchSubmittedListener) {
		l.OnBatchSubmitted(BatchInfo{BatchTime: t, SubmissionTime: b.submitted, Records: b.records, Inputs: b.inputs})
	})
	return b
}

// runBatch runs the jobs of batch b, one per output operation in the order
// they were registered, then forgets what no stream needs any longer.
func (ssc *StreamingContext) runBatch(b *batch) error {
	ssc.runMu.Lock()
	defer ssc.runMu.Unlock()
	if b.deferred {
		submitted := b.submitted
		b = ssc.generate(b.time)
		b.submitted = submitted
	}
	ssc.jobG.Store(goroutineID())
	defer ssc.jobG.Store(0)
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
	for _, o := range outputs {
		o.clearMetadata(b.time)
	}
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

// goroutineID returns the calling goroutine's number, from the first line
// of its stack ("goroutine N [running]:"). Stop uses it to tell a call
// from inside the context's own job, which it must not wait for.
func goroutineID() uint64 {
	var buf [64]byte
	line := buf[:runtime.Stack(buf[:], false)]
	line = line[len("goroutine "):]
	if i := bytes.IndexByte(line, ' '); i > 0 {
		line = line[:i]
	}
	id, _ := strconv.ParseUint(string(line), 10, 64)
	return id
}
