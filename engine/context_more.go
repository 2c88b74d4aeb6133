package engine

import (
	"os"
	"time"

	"github.com/gostream/gostream/engine/internal/scheduler"
)

// moreConfig holds the context options of this file.
type moreConfig struct {
	blockInterval  time.Duration
	stopOnShutdown bool
}

// WithBlockInterval(d) makes each receiver's batch an RDD of batch/d
// partitions, as Spark's spark.streaming.blockInterval cuts a receiver's
// data into blocks (one partition each; Spark's default is 200ms). Without
// it, a receiver's batch has the default parallelism's partitions. d must be
// a positive whole number of milliseconds no longer than the batch.
func WithBlockInterval(d time.Duration) Option {
	return func(c *config) { c.more.blockInterval = d }
}

// WithStopGracefullyOnShutdown makes SIGTERM and SIGINT stop the started
// context gracefully, as Spark's spark.streaming.stopGracefullyOnShutdown:
// receivers stop, the data they received is processed, then
// AwaitTermination returns, so a program's main can return cleanly. A second
// signal while stopping ends the process with status 130 (SIGINT) or 143
// (SIGTERM). `gostream run` turns it on for the programs it runs, compiled
// or interpreted, by setting GOSTREAM_STOP_GRACEFULLY_ON_SHUTDOWN=true in
// their environment; any program started with it set behaves the same.
func WithStopGracefullyOnShutdown() Option {
	return func(c *config) { c.more.stopOnShutdown = true }
}

// StopGracefullyEnv is the environment variable that turns
// WithStopGracefullyOnShutdown on for every context of a process when it is
// "true", as Spark's spark.streaming.stopGracefullyOnShutdown configuration.
const StopGracefullyEnv = "GOSTREAM_STOP_GRACEFULLY_ON_SHUTDOWN"

// StopGracefullyOnShutdown(on) turns WithStopGracefullyOnShutdown on (or
// off) for every context started from now on in this process.
func StopGracefullyOnShutdown(on bool) { scheduler.SetStopOnShutdown(on) }

func (m moreConfig) checked(op string, batch time.Duration) moreConfig {
	if d := m.blockInterval; d != 0 && (d < time.Millisecond || d%time.Millisecond != 0 || d > batch) {
		buildErrorf(op, "WithBlockInterval: want a positive whole number of milliseconds no longer than the batch (%v), got %v", batch, d)
	}
	return m
}

// receiverPartitions is the number of partitions of a receiver's batch.
func (ssc *StreamingContext) receiverPartitions() int {
	if d := ssc.more.blockInterval; d > 0 {
		return max(1, int(ssc.batch/d))
	}
	return ssc.ex.parallelism
}

func init() {
	OnContextStart(func(ssc *StreamingContext) {
		running.Starting(ssc, func(c *StreamingContext) bool { return c.State() == Stopped })
		if scheduler.StopOnShutdown(ssc.more.stopOnShutdown, StopGracefullyEnv) {
			stopOnSignal(ssc)
		}
	})
}

// GetActive returns the active context (started and not stopped), the one
// started last when there are several, or nil. Spark's
// StreamingContext.getActive.
func GetActive() *StreamingContext {
	ssc, _ := running.Last()
	return ssc
}

// GetActiveOrCreate returns the active context (see GetActive), or else
// the one create returns. Spark's StreamingContext.getActiveOrCreate.
func GetActiveOrCreate(create func() *StreamingContext) *StreamingContext {
	if ssc := GetActive(); ssc != nil {
		return ssc
	}
	if create == nil {
		buildErrorf("GetActiveOrCreate", "want a func() *StreamingContext, got nil")
	}
	return create()
}

// stopOnSignal stops ssc gracefully on the first SIGTERM or SIGINT, and
// ends the process on a second.
func stopOnSignal(ssc *StreamingContext) {
	scheduler.StopOnSignal(ssc.done, func(sig os.Signal) {
		ssc.out.Logf("Received %s: stopping gracefully\n", sig)
		ssc.Stop(true)
	})
}
