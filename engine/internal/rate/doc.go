// Package rate is how fast receivers take records: PID estimates how many
// records a second a stream can take, as Spark Streaming's backpressure
// does, and Limiter holds a receiver to a rate, as the RateLimiter of
// Spark's BlockGenerator.
//
// The contract: times are int64 milliseconds (the clock's own), rates are
// records a second, and Limiter's blocking calls return ErrStopped, a plain
// error the caller turns into its own, once the done channel they are given
// is closed. With a manual clock a Limiter refills only when Advance moves
// it to a batch's time, so each batch's records follow from the rate alone.
package rate
