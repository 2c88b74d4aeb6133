package cluster

import (
	"reflect"
	"testing"

	"github.com/gostream/gostream/engine/internal/codec"
	"github.com/gostream/gostream/engine/internal/shuffle"
)

func TestAccumulatorsOnTheWire(t *testing.T) {
	vals := []any{"x", 2}
	tests := []struct {
		name string
		acc  any
		want any // what comes back; acc when nil
	}{
		{"plain", 7, nil},
		{"cogroup", &shuffle.Groups{Left: []any{1, 2}, Right: []any{"a"}}, nil},
		{"cogroup with an empty side", &shuffle.Groups{Left: []any{1}}, &shuffle.Groups{Left: []any{1}, Right: []any{}}},
		{"values", &vals, nil},
	}
	c := &codec.Codec[pair, ms]{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, w := toWire[pair](tt.acc)
			data, err := c.Marshal([]any{kind, w})
			if err != nil {
				t.Fatal(err)
			}
			back, err := c.Unmarshal(data)
			if err != nil {
				t.Fatal(err)
			}
			got := fromWire[pair](back[0].(int), back[1])
			want := tt.want
			if want == nil {
				want = tt.acc
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("got %#v, want %#v", got, want)
			}
		})
	}
}
