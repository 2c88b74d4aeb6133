// Package driver is a context's life cycle, after Spark's
// StreamingContext.start and stop: the states a context goes through, what
// it holds while it runs (the checkpoint it resumes from, its
// checkpointer), the order in which Start brings its parts up, and how a
// start that fails takes them down again. What the parts are belongs to the
// engine, behind Starter; the batch loop is engine/internal/scheduler's,
// behind Loop.
//
// The contract:
//   - A Life's fields are guarded by its Lock, the engine's lock of the
//     context; Current, FromCheckpoint, Start, Stop and Stopped take it
//     themselves. State's String is Spark's name of the state.
//   - Start, with the lock held, asks Starter.Check whether the context may
//     start and returns its error as it is. It then picks the first batch
//     time: the clock's next multiple of the interval, the zero time one
//     interval before it; or, when there is a Recovered checkpoint, which
//     Start takes (Resumed from then on), the checkpoint's zero time and
//     the batch after its last. A cluster member's Starter.Join may move
//     both (its error is returned as it is, the context still
//     Initialized). A manual clock moves on to the batch time before first,
//     Starter.Activate makes the graph ready, and the state is
//     Active.
//   - Then, without the lock: Starter.Checkpoints begins checkpointing
//     (its checkpointer kept as Ckpt), the inputs start in order
//     (Starter.StartInput), at recovery the checkpointer hears of the last
//     batch before the restart (checkpoint.Checkpointer.Resumed),
//     Starter.Started is told, and the loop starts at first, the pending
//     batches first.
//   - A failure after Activate undoes the start: the inputs started are
//     stopped (Starter.StopInput), the state is Stopped, the loop is closed,
//     Starter.Abort lets go of the rest, and the checkpointer is closed;
//     Start returns the failure as the hook returned it.
//   - Stop on an Initialized context makes it Stopped (release called with
//     the lock held) and closes the loop; on an Active one it stops the
//     loop; on a Stopped one it does nothing. Stopped, called once the
//     loop's last batch is over, closes the checkpointer, makes the state
//     Stopped, calls release with the lock held and forgets the
//     checkpointer and the recovered checkpoint.
//   - Times are int64 milliseconds.
package driver
