// Package clock is the engine's one source of time, after Spark's
// util/Clock.scala: a system clock for running streams and a manual clock
// that moves only when told to, for tests, notebooks and reproducible runs.
//
// The contract:
//   - Now is the time in milliseconds: since the Unix epoch for the system
//     clock, since the clock's start for a manual one. Nanos is the same
//     instant in nanoseconds, for rates finer than a millisecond.
//   - WaitUntil(t, cancel) blocks until Now() >= t and returns true, or
//     returns false as soon as cancel is closed. A manual clock's waiters
//     wake when Set or Advance moves the clock to or past their time.
//   - A manual clock never moves backwards: Set to an earlier time is
//     ignored.
//   - Wall reports whether the clock is the wall clock that file systems
//     stamp files with, so readers of modification times know whether the
//     kernel's coarse file clock may lag behind it.
//
// The scheduler, the receivers' rate limiters and the file source read the
// clock; none of them asks which kind it is to tell the time.
package clock
