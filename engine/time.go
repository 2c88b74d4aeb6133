package engine

import (
	"strconv"
	"time"
)

// Time is a batch time in milliseconds since the epoch (with a manual clock,
// since the clock's start at 0). It prints as Spark does: "1357008430000 ms".
type Time int64

func (t Time) String() string { return strconv.FormatInt(int64(t), 10) + " ms" }

// Milliseconds returns t as an int64 count of milliseconds.
func (t Time) Milliseconds() int64 { return int64(t) }

// Add returns t+d.
func (t Time) Add(d time.Duration) Time { return t + Time(d/time.Millisecond) }

// Sub returns t-d.
func (t Time) Sub(d time.Duration) Time { return t - Time(d/time.Millisecond) }

// IsMultipleOf reports whether t is a whole multiple of d.
func (t Time) IsMultipleOf(d time.Duration) bool {
	ms := int64(d / time.Millisecond)
	return ms > 0 && int64(t)%ms == 0
}

// Seconds returns a duration of n seconds.
func Seconds(n int64) time.Duration { return time.Duration(n) * time.Second }

// Milliseconds returns a duration of n milliseconds.
func Milliseconds(n int64) time.Duration { return time.Duration(n) * time.Millisecond }

// Minutes returns a duration of n minutes.
func Minutes(n int64) time.Duration { return time.Duration(n) * time.Minute }

func durMS(d time.Duration) int64 { return int64(d / time.Millisecond) }
