// Package receiver runs the receivers of a context's receiver streams
// (ReceiverStream, SocketTextStream, SocketStream): the receiver's life
// cycle, the records it stores between two batches, and the write-ahead log
// those records go to before they count as received. The engine's public
// Receiver and ReceiverContext are thin wrappers around Source and Context.
//
// The contract:
//   - Start calls the OnStart hook with a fresh Context; OnStart must not
//     block. Every OnStart is matched by one OnStop: on Stop, and on
//     Context.Restart, which closes the context, calls OnStop in the
//     background and, after the restart delay, OnStart with a new Context
//     (unless the source stops first). Stop waits for a restart in progress.
//     A panic in OnStart or OnStop is reported, not fatal. Started and
//     Stopped hear of each OnStart and OnStop.
//   - Records get sequence numbers 0, 1, 2, ... in storing order, stable
//     across batches. Allocate(t) hands over every record stored since the
//     previous Allocate, in order, and tells the sink which numbers batch t
//     took; a batch restored by Restore is handed over instead of the
//     buffer. Stop keeps what was stored: Pending stays true until a batch
//     takes it, so a graceful stop can drain it.
//   - Store and StoreAll wait on the rate limiter, then for room while the
//     records held exceed MaxBuffered (a single store larger than the bound
//     goes in once the buffer is empty); they return ErrStopped once their
//     Context is closed. With a Sink, records are given to it before the
//     store returns; its error fails the store as a *LogError and the
//     records are not kept.
//   - Log is the Sink of a write-ahead log (engine/internal/wal): it syncs
//     what is stored, remembers what each batch took, reads a batch's
//     records back, and gives the records no batch took before a crash back
//     to the Source. Checkpoint is the same log as the checkpointer's
//     source of the input (engine/internal/checkpoint's Source): its
//     batches' records and position, a batch rebuilt from the log, the
//     unallocated records restored, segments released, the log closed.
//   - StartRated starts the source with the limiter a Rate describes: a
//     fixed limit, or backpressure, whose estimator Completed feeds with
//     each completed batch and whose estimate, capped by the limit,
//     becomes the rate (from Rate.Initial until the first estimate);
//     RateInForce is the rate the last batch was cut with.
//   - Options are a stream's settings with their defaults; Check names
//     the first invalid one, Apply applies the engine's options and checks
//     them, Rate is the limit given or the context's default. Name names a stream after its receiver's
//     type, and StoreError makes the caller's error of a store's.
//   - The package speaks plain Go: batch times are int64 milliseconds,
//     records are any, errors are plain; ErrStopped and *LogError are what
//     the caller turns into its own errors. Time, formatting of batch times
//     and where errors are reported are the caller's (the Report hook).
package receiver
