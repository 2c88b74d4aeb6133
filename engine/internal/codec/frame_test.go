package codec

import (
	"errors"
	"reflect"
	"testing"
)

type testPair struct{ Key, Value any }

type testTime int64

func TestFrame(t *testing.T) {
	c := &Codec[testPair, testTime]{}
	xs := []any{"a", int64(1), testPair{"k", 2.5}, testTime(3000)}
	b, err := c.EncodeFrame(xs)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.DecodeFrame(b)
	if err != nil || !reflect.DeepEqual(got, xs) {
		t.Fatalf("DecodeFrame: %v %v, want %v", got, err, xs)
	}
	if _, err := c.DecodeFrame(append(b, 0)); err == nil || err.Error() != "1 bytes after the encoded elements" {
		t.Fatalf("DecodeFrame with a byte after the frame: %v", err)
	}
	if _, err := c.DecodeFrame(b[:len(b)-1]); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("DecodeFrame of a truncated frame: %v, want ErrCorrupt", err)
	}
}
