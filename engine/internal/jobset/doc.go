// Package jobset is what a batch is, after Spark's JobSet and the batch
// half of its JobScheduler: the inputs' data handed over for batch t, the
// batch's output jobs run in the order they were registered, the batch's
// info (each input's share, each job's info, the times and delays), its
// checkpoint records and its batch log lines. When a batch is generated and
// run belongs to engine/internal/scheduler; what an input and an output
// job are belongs to the engine, behind Context.
//
// The contract:
//   - Generate(c, t) calls Context.Begin(t), then asks each input, in
//     order, to allocate its data for t (Input.Allocate), sums their
//     records and rates, records each input's share with the checkpointer
//     (checkpoint.Checkpointer.Record, then Generated), and tells the
//     listeners the batch was submitted (OnBatchSubmitted, without its
//     rate). A Deferred batch (a cluster
//     member's, one transaction) is generated when it runs, keeping the
//     time it was submitted.
//   - Run(c, b) tells the listeners the batch started (OnBatchStarted),
//     runs the job of each output that has an RDD at t (Output.Valid),
//     telling them as each starts and ends (OnOutputOperationStarted,
//     OnOutputOperationCompleted), lets Context.End see and change the
//     errors, reports the first to Context.Fail, calls Context.Clear(t)
//     and Context.Completed, then tells them the batch completed
//     (OnBatchCompleted); it returns the first error. The listeners are
//     those Context.Listeners returns when the batch starts running; each
//     event goes through engine/internal/scheduler's Bus to those whose
//     method of the engine's listener interfaces it calls, themselves or
//     through a view.
//   - Info is the engine's BatchInfo (B) field for field, generic over the
//     engine's time, input info and output info types (T, I, O), so that
//     a conversion turns it into B; InputInfo and OutputInfo[T] are I's
//     and O's shapes.
//   - Info.Log writes the batch log lines Spark's JobScheduler logs: a
//     line per job error, then the batch's total delay.
//   - Times are T (int64 milliseconds); the package calls the engine only
//     through Context, Input, Output and the listeners, on the goroutine that
//     generates or runs the batch.
package jobset
