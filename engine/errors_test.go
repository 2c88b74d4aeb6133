package engine

import (
	"fmt"
	"strings"
	"testing"
)

// Run-time failures of functions that are not given one element: functions
// of whole RDDs name no element type, and state functions name the key.
func TestUserFunctionErrors(t *testing.T) {
	words := func(d *DStream) *DStream { return d.FlatMap(strings.Fields).Map(WithOne) }
	cases := []struct {
		name    string
		batches [][]any
		build   func(*DStream) *DStream
		want    string
	}{
		{"Transform", [][]any{{"a"}},
			func(d *DStream) *DStream { return d.Transform(func(*RDD) *RDD { panic("t") }) },
			"engine: Transform at 1000 ms: function panicked: t"},
		{"TransformWith", [][]any{{"a"}, {"b"}},
			func(d *DStream) *DStream {
				return d.TransformWith(d, func(a, b *RDD, t Time) *RDD {
					if t == 2000 {
						panic(fmt.Sprint("at ", t))
					}
					return a
				})
			},
			"engine: TransformWith at 2000 ms: function panicked: at 2000 ms"},
		{"ForeachRDD", [][]any{{"a"}},
			func(d *DStream) *DStream {
				d.ForeachRDD(func(*RDD) { panic(fmt.Errorf("f")) })
				return d
			},
			"engine: ForeachRDD at 1000 ms: function panicked: f"},
		{"UpdateStateByKeyInt", [][]any{{"a"}},
			func(d *DStream) *DStream {
				return words(d).UpdateStateByKey(func(vs []int, s *int) *int { panic("u") })
			},
			"engine: UpdateStateByKey at 1000 ms: function panicked on key a of type string: u"},
		{"UpdateStateByKeyAny", [][]any{{"a"}},
			func(d *DStream) *DStream {
				return words(d).UpdateStateByKey(func(vs []any, s *any) *any { panic("u") })
			},
			"engine: UpdateStateByKey at 1000 ms: function panicked on key a of type string: u"},
		{"UpdateStateByKeyReflect", [][]any{{"a"}, {}},
			func(d *DStream) *DStream {
				return words(d).UpdateStateByKey(func(vs []int, s *string) *string {
					if s != nil {
						panic("again")
					}
					x := "x"
					return &x
				})
			},
			"engine: UpdateStateByKey at 2000 ms: function panicked on key a of type string: again"},
		{"MapWithState", [][]any{{"a"}},
			func(d *DStream) *DStream {
				return words(d).MapWithState(StateSpecFunc(func(k string, v *int, s *State) int { panic("m") })).DStream
			},
			"engine: MapWithState at 1000 ms: function panicked on key a of type string with a value of type int: m"},
		{"MapWithStateTimingOut", [][]any{{"a"}, {}, {}},
			func(d *DStream) *DStream {
				spec := StateSpecFunc(func(k string, v *int, s *State) int {
					if v == nil {
						panic("gone")
					}
					s.Update(*v)
					return *v
				}).Timeout(Seconds(1))
				return words(d).MapWithState(spec).DStream
			},
			"engine: MapWithState at 3000 ms: function panicked on key a of type string, timing out: gone"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := runBatches(t, c.batches, c.build)
			if err == nil {
				t.Fatalf("no error, want %q", c.want)
			}
			if got := err.Error(); got != c.want {
				t.Errorf("error = %q\nwant    %q", got, c.want)
			}
		})
	}
}
