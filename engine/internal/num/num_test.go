package num

import (
	"reflect"
	"testing"
)

type batchTime int64

func TestSigned(t *testing.T) {
	for _, c := range []struct {
		x    any
		want int64
		ok   bool
	}{
		{int(-3), -3, true}, {int8(-128), -128, true}, {int16(300), 300, true},
		{int32(-1 << 31), -1 << 31, true}, {int64(1 << 62), 1 << 62, true},
		{batchTime(1500), 1500, true},
		{uint8(3), 0, false}, {3.0, 0, false}, {"3", 0, false}, {nil, 0, false},
	} {
		if got, ok := Signed[batchTime](c.x); got != c.want || ok != c.ok {
			t.Errorf("Signed(%T %v) = %d, %v; want %d, %v", c.x, c.x, got, ok, c.want, c.ok)
		}
	}
}

func TestUnsigned(t *testing.T) {
	for _, c := range []struct {
		x    any
		want uint64
		ok   bool
	}{
		{uint(3), 3, true}, {uint8(255), 255, true}, {uint16(65535), 65535, true},
		{uint32(1 << 31), 1 << 31, true}, {uint64(1 << 63), 1 << 63, true},
		{int(3), 0, false}, {batchTime(3), 0, false}, {true, 0, false},
	} {
		if got, ok := Unsigned(c.x); got != c.want || ok != c.ok {
			t.Errorf("Unsigned(%T %v) = %d, %v; want %d, %v", c.x, c.x, got, ok, c.want, c.ok)
		}
	}
}

func TestConvert(t *testing.T) {
	if got := Convert[int64, batchTime](nil); got != nil {
		t.Errorf("Convert(nil) = %v, want nil", got)
	}
	ms := Convert[int64]([]batchTime{1000, 2000, 3000})
	if want := []int64{1000, 2000, 3000}; !reflect.DeepEqual(ms, want) {
		t.Errorf("Convert to int64 = %v, want %v", ms, want)
	}
	if back := Convert[batchTime](ms); !reflect.DeepEqual(back, []batchTime{1000, 2000, 3000}) {
		t.Errorf("Convert back = %v", back)
	}
	if got := Convert[int64]([]batchTime{}); got == nil || len(got) != 0 {
		t.Errorf("Convert(empty) = %#v, want an empty, non-nil slice", got)
	}
}
