package receiver

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// Options are the settings of one receiver stream, as the engine's
// receiver options set them.
type Options struct {
	MaxRate      int  // records/s; 0: no limit
	RateSet      bool // MaxRate was given; otherwise the context's default applies
	MaxLine      int  // the longest line a socket receiver accepts, in bytes
	RestartDelay time.Duration
	MaxBuffered  int
}

// The defaults of Options.
const (
	DefaultMaxLine      = 1 << 20
	DefaultRestartDelay = 100 * time.Millisecond
	DefaultMaxBuffered  = 1_000_000
)

// DefaultOptions returns the options of a stream given none.
func DefaultOptions() Options {
	return Options{MaxLine: DefaultMaxLine, RestartDelay: DefaultRestartDelay, MaxBuffered: DefaultMaxBuffered}
}

// Apply applies a stream's options (of the engine's option type) to the
// defaults, in order; the error says what Check finds wrong.
func Apply[O ~func(*Options)](opts []O) (Options, error) {
	o := DefaultOptions()
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if msg := o.Check(); msg != "" {
		return o, errors.New(msg)
	}
	return o, nil
}

// Check returns what is wrong with o, naming the option, or "" when
// nothing is.
func (o Options) Check() string {
	switch {
	case o.MaxRate < 0:
		return fmt.Sprintf("MaxRate must not be negative, got %d", o.MaxRate)
	case o.MaxLine <= 0:
		return fmt.Sprintf("MaxLineLength must be positive, got %d", o.MaxLine)
	case o.RestartDelay < 0:
		return fmt.Sprintf("RestartDelay must not be negative, got %v", o.RestartDelay)
	case o.MaxBuffered <= 0:
		return fmt.Sprintf("MaxBufferedRecords must be positive, got %d", o.MaxBuffered)
	}
	return ""
}

// Rate is the stream's rate limit: MaxRate when given, else def, the
// context's default.
func (o Options) Rate(def int) int {
	if o.RateSet {
		return o.MaxRate
	}
	return def
}

// Config is the configuration of a Source with these options.
func (o Options) Config() Config {
	return Config{MaxBuffered: o.MaxBuffered, RestartDelay: o.RestartDelay}
}

// Name names a receiver stream after the receiver's type,
// "ReceiverStream(T)"; a receiver of an interpreted program reaches the
// engine as the interpreter's generated wrapper (a type whose name starts
// with "_"), whose name would mean nothing to the user: its stream is
// "ReceiverStream".
func Name(r any) string {
	t := reflect.TypeOf(r)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if strings.HasPrefix(t.Name(), "_") {
		return "ReceiverStream"
	}
	return fmt.Sprintf("ReceiverStream(%T)", r)
}

// StoreError is the caller's error for a store's: ErrStopped becomes
// stopped, and a *LogError an error naming the stream and the records,
// wrapping the log's error (stopped for ErrStopped).
func StoreError(stream string, err, stopped error) error {
	if err == nil {
		return nil
	}
	var le *LogError
	if errors.As(err, &le) {
		inner := le.Err
		if errors.Is(inner, ErrStopped) {
			inner = stopped
		}
		return fmt.Errorf("engine: receiver %s: logging %d records: %w", stream, le.Records, inner)
	}
	if errors.Is(err, ErrStopped) {
		return stopped
	}
	return err
}
