package engine

import (
	"errors"
	"time"

	"github.com/gostream/gostream/engine/internal/checkpoint"
	"github.com/gostream/gostream/engine/internal/driver"
	"github.com/gostream/gostream/engine/internal/jobset"
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
func (ssc *StreamingContext) Stop(graceful bool) { ssc.life.Stop(graceful, ssc.releaseLocked) }

// jobs is a context as the scheduler and engine/internal/jobset see it.
type jobs struct{ ssc *StreamingContext }

// batch is one generated batch waiting to run; batchInfo is its BatchInfo.
type (
	batch     = jobset.Batch[Time, StreamInputInfo, OutputOperationInfo]
	batchInfo = jobset.Info[Time, StreamInputInfo, OutputOperationInfo]
)

// newLoop makes the context's batch loop and the life cycle
// (engine/internal/driver) that starts and stops it.
func (ssc *StreamingContext) newLoop() {
	ssc.sched = scheduler.New[*batch](jobs{ssc}, ssc.clock, durMS(ssc.batch))
	ssc.life = driver.Life[*batch]{Lock: &ssc.mu, Loop: ssc.sched, Clock: ssc.clock, Interval: durMS(ssc.batch)}
}

// Generate cuts batch t; a cluster member's batch is one transaction, so
// its input is cut when it runs.
func (j jobs) Generate(t int64) *batch {
	if j.ssc.member != nil {
		return &batch{Info: batchInfo{BatchTime: Time(t), SubmissionTime: time.Now()}, Deferred: true}
	}
	return jobset.Generate[Time, StreamInputInfo, OutputOperationInfo, BatchInfo, StreamingListener](j, Time(t))
}

func (j jobs) Run(b *batch) error {
	return jobset.Run[Time, StreamInputInfo, OutputOperationInfo, BatchInfo, StreamingListener](j, b)
}

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
		ssc.member.Close() // leave the group: the partitions move at once
	}
	for _, in := range ssc.inputList() {
		if s, ok := in.src.(interface{ stopped() }); ok {
			s.stopped() // after the last batch: its commits are done
		}
	}
	ssc.life.Stopped(ssc.releaseLocked)
	running.Stopped(ssc)
}

func (ssc *StreamingContext) inputList() []*input {
	ssc.mu.Lock()
	defer ssc.mu.Unlock()
	return append([]*input(nil), ssc.inputs...)
}

// releaseLocked lets go of what a stopped context no longer needs: its
// streams' state and functions (the driver lets go of the checkpointer and
// the recovered checkpoint). A session that creates and stops many
// contexts keeps only their small shells (State, Err, LastBatch) for as
// long as its variables refer to them. Call with ssc.mu held, once the
// context is stopped and no batch runs.
func (ssc *StreamingContext) releaseLocked() {
	for _, d := range ssc.streams {
		d.release()
	}
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

func (j jobs) Inputs() ([]jobset.Input, *checkpoint.Checkpointer) {
	ssc := j.ssc
	ssc.mu.Lock()
	defer ssc.mu.Unlock()
	inputs := make([]jobset.Input, len(ssc.inputs))
	for i, in := range ssc.inputs {
		inputs[i] = in
	}
	return inputs, ssc.life.Ckpt
}

func (j jobs) Outputs() []jobset.Output {
	ssc := j.ssc
	ssc.mu.Lock()
	defer ssc.mu.Unlock()
	outputs := make([]jobset.Output, len(ssc.outputs))
	for i, o := range ssc.outputs {
		outputs[i] = outputJob{o}
	}
	return outputs
}

// Begin and End make a cluster member's batch one transaction.
func (j jobs) Begin(t Time) {
	if j.ssc.member != nil {
		j.ssc.member.begin(t)
	}
}

func (j jobs) End(t Time, errs []error) []error {
	if j.ssc.member != nil {
		return j.ssc.member.End(int64(t), errs)
	}
	return errs
}

func (j jobs) Fail(err error) { j.ssc.reportError(err) }

// Clear forgets the RDDs no stream remembers after t, then checkpoints t
// as completed.
func (j jobs) Clear(t Time) {
	ssc := j.ssc
	ssc.graph.Clear(int64(t), (*RDD).Unpersist)
	ssc.mu.Lock()
	ckpt := ssc.life.Ckpt
	ssc.mu.Unlock()
	if ckpt != nil {
		ckpt.Completed(int64(t), ssc.snapshot)
	}
}

// Name and Allocate are an input as a batch sees it: Allocate hands the
// input's data for t to its stream.
func (in *input) Name() string { return in.d.op }

func (in *input) Allocate(t int64) (records int, rate float64) {
	rdd, n := in.src.allocate(Time(t))
	in.put(in.d.ssc, Time(t), rdd)
	if rr, ok := in.src.(interface{ rateInForce() float64 }); ok {
		rate = rr.rateInForce()
	}
	return n, rate
}

// outputJob is an output stream as a batch sees it.
type outputJob struct{ *DStream }

func (o outputJob) Description() string { return o.node.Lineage() }
func (o outputJob) Valid(t int64) bool  { return o.validTime(Time(t)) }
func (o outputJob) Run(t int64) error   { return o.runJob(Time(t)) }
