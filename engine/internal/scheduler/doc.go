// Package scheduler is the batch loop of a streaming context, after Spark's
// JobGenerator and JobScheduler: it decides when each batch is generated and
// when it runs, and how a stop ends the loop. What a batch is and what
// running it means belong to the caller, behind Jobs.
//
// The contract:
//   - Batch times are milliseconds on the scheduler's clock. Start(first,
//     pending) makes first the next batch time; batch t is followed by
//     t+interval. The pending batches (recovered from a checkpoint) run
//     before any newly generated one.
//   - On a system clock, a generator goroutine waits until the clock reaches
//     the next batch time t, calls Jobs.Generate(t) and queues the batch; a
//     runner goroutine takes queued batches in order and calls Jobs.Run, so
//     a slow batch delays the ones behind it but the generator keeps time.
//   - On a manual clock (a *clock.Manual) there are no goroutines: Advance(d)
//     moves the clock to each batch time up to now+d in turn, generates the
//     batch and runs it on the caller's goroutine, then sets the clock to
//     now+d; it returns the first error a batch returned. Pending batches
//     run inside Start.
//   - One batch runs at a time, whatever goroutine asks; InJob reports
//     whether the caller is the goroutine running a batch. Advance refuses
//     to run from inside a batch (ErrInJob): the batch would wait for
//     itself.
//   - Stop(graceful) stops once; a second Stop waits for the first to end.
//     It calls Jobs.StopInputs(graceful), ends the generator, then:
//     graceful, it runs the batches queued and one last batch at the next
//     batch time (on a manual clock only when Jobs.Pending reports input
//     waiting); otherwise it drops the batches not started. Either way it
//     waits for the batch running, calls Jobs.Stopped once and closes Done.
//     Stop called from inside a batch returns at once and the stop
//     completes on another goroutine once that batch is over; no later
//     batch starts, but a graceful stop's last one.
//   - Err is the first error of any batch or reported by Fail; Failed is
//     closed when it is set. Wait blocks until Done or Failed, or a timeout.
//   - Close marks a scheduler that never started as stopped.
//
// Bus is the context's listener bus, after Spark's StreamingListenerBus:
// it holds the listeners and posts an event, on the poster's goroutine, to
// each that implements the event's interface, itself or through one of its
// views; a listener that panics is reported to the bus's report function
// and stays registered.
//
// StopOnSignal is Spark's stopGracefullyOnShutdown: the first SIGTERM or
// SIGINT asks for a stop, a second one while stopping ends the process.
// StopOnShutdown says whether a context asks for it: its own option, the
// process's default (SetStopOnShutdown) or an environment variable.
//
// The caller generates and runs its batches in Jobs with no lock of its own
// held across a call into the scheduler, and may call Stop, Fail and Err
// from inside Run.
package scheduler
