package receiver

import (
	"errors"
	"testing"
)

func TestOptionsCheck(t *testing.T) {
	if msg := DefaultOptions().Check(); msg != "" {
		t.Fatalf("the defaults: %q", msg)
	}
	for _, tc := range []struct {
		set  func(*Options)
		want string
	}{
		{func(o *Options) { o.MaxRate = -1 }, "MaxRate must not be negative, got -1"},
		{func(o *Options) { o.MaxLine = 0 }, "MaxLineLength must be positive, got 0"},
		{func(o *Options) { o.RestartDelay = -1 }, "RestartDelay must not be negative, got -1ns"},
		{func(o *Options) { o.MaxBuffered = 0 }, "MaxBufferedRecords must be positive, got 0"},
	} {
		o := DefaultOptions()
		tc.set(&o)
		if got := o.Check(); got != tc.want {
			t.Errorf("Check = %q, want %q", got, tc.want)
		}
	}
}

type named struct{}
type _wrapper struct{}

func TestName(t *testing.T) {
	for _, tc := range []struct {
		r    any
		want string
	}{
		{named{}, "ReceiverStream(receiver.named)"},
		{&named{}, "ReceiverStream(*receiver.named)"},
		{&_wrapper{}, "ReceiverStream"},
	} {
		if got := Name(tc.r); got != tc.want {
			t.Errorf("Name(%T) = %q, want %q", tc.r, got, tc.want)
		}
	}
}

func TestStoreError(t *testing.T) {
	mine := errors.New("mine")
	if err := StoreError("s", nil, mine); err != nil {
		t.Fatalf("nil: %v", err)
	}
	if err := StoreError("s", ErrStopped, mine); err != mine {
		t.Fatalf("ErrStopped: %v", err)
	}
	err := StoreError("s", &LogError{Records: 3, Err: ErrStopped}, mine)
	if !errors.Is(err, mine) || err.Error() != "engine: receiver s: logging 3 records: mine" {
		t.Fatalf("a closed log: %v", err)
	}
	disk := errors.New("disk full")
	err = StoreError("s", &LogError{Records: 1, Err: disk}, mine)
	if !errors.Is(err, disk) || err.Error() != "engine: receiver s: logging 1 records: disk full" {
		t.Fatalf("a failing log: %v", err)
	}
	if err := StoreError("s", disk, mine); err != disk {
		t.Fatalf("another error: %v", err)
	}
}

func TestApply(t *testing.T) {
	type option func(*Options)
	o, err := Apply([]option{nil, func(o *Options) { o.MaxRate, o.RateSet = 7, true }})
	if err != nil || o.MaxRate != 7 || !o.RateSet || o.MaxLine != DefaultMaxLine || o.MaxBuffered != DefaultMaxBuffered {
		t.Errorf("got %+v, %v", o, err)
	}
	if _, err := Apply([]option{func(o *Options) { o.MaxLine = 0 }}); err == nil || err.Error() != "MaxLineLength must be positive, got 0" {
		t.Errorf("a bad option: %v", err)
	}
}

func TestRate(t *testing.T) {
	if got := (Options{}).Rate(9); got != 9 {
		t.Errorf("without MaxRate: %d, want the default 9", got)
	}
	if got := (Options{MaxRate: 0, RateSet: true}).Rate(9); got != 0 {
		t.Errorf("MaxRate(0): %d, want 0", got)
	}
}
