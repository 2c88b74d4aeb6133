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

// An option an operator does not take is a construction error, not
// silently ignored: CountByValueAndWindow's inverse and filter are built in,
// and ReduceByKey has no filter.
func TestOptionsThatDoNotApply(t *testing.T) {
	s := Seconds(1)
	positive := func(v int) bool { return v > 0 }
	cases := []struct {
		name  string
		build func(in, pairs *DStream)
		want  string // "" for no error
	}{
		{"CountByValueAndWindowInverse", func(in, _ *DStream) { in.CountByValueAndWindow(2*s, s, Inverse(Diff)) },
			"engine: CountByValueAndWindow: option Inverse does not apply here; CountByValueAndWindow takes NumTasks"},
		{"CountByKeyAndWindowFilter", func(_, p *DStream) { p.CountByKeyAndWindow(2*s, s, FilterFunc(positive)) },
			"engine: CountByKeyAndWindow: option FilterFunc does not apply here; CountByKeyAndWindow takes NumTasks"},
		{"ReduceByKeyFilter", func(_, p *DStream) { p.ReduceByKey(Sum, FilterFunc(positive)) },
			"engine: ReduceByKey: option FilterFunc does not apply here; ReduceByKey takes NumTasks"},
		{"GroupByKeyAndWindowInverse", func(_, p *DStream) { p.GroupByKeyAndWindow(2*s, s, Inverse(Diff)) },
			"engine: GroupByKeyAndWindow: option Inverse does not apply here; GroupByKeyAndWindow takes NumTasks"},
		{"JoinInitialState", func(_, p *DStream) { p.Join(p, InitialState(p.Context().Parallelize(nil))) },
			"engine: Join: option InitialState does not apply here; Join takes NumTasks"},
		{"UpdateStateByKeyInverse", func(_, p *DStream) {
			p.UpdateStateByKey(func(vs []int, st *int) *int { return st }, Inverse(Diff))
		}, "engine: UpdateStateByKey: option Inverse does not apply here; UpdateStateByKey takes NumTasks, InitialState"},
		{"ReduceByWindowNumTasks", func(in, _ *DStream) { in.ReduceByWindow(Sum, 2*s, s, NumTasks(3)) },
			"engine: ReduceByWindow: option NumTasks does not apply here; ReduceByWindow takes Inverse, FilterFunc"},
		{"ReduceByWindowFilterWithoutInverse", func(in, _ *DStream) { in.ReduceByWindow(Sum, 2*s, s, FilterFunc(positive)) },
			"engine: ReduceByWindow: option FilterFunc applies only with Inverse"},
		{"RDDReduceByKeyInverse", func(_, p *DStream) { p.Context().Parallelize(nil).ReduceByKey(Sum, Inverse(Diff)) },
			"engine: ReduceByKey: option Inverse does not apply here; ReduceByKey takes NumTasks"},
		{"ReduceByKeyAndWindowAll", func(_, p *DStream) {
			p.ReduceByKeyAndWindow(Sum, 2*s, s, NumTasks(3), Inverse(Diff), FilterFunc(positive))
		}, ""},
		{"ReduceByWindowInverseFilter", func(in, _ *DStream) {
			in.ReduceByWindow(Sum, 2*s, s, Inverse(Diff), FilterFunc(positive))
		}, ""},
		{"UpdateStateByKeyInitial", func(_, p *DStream) {
			p.UpdateStateByKey(func(vs []int, st *int) *int { return st }, NumTasks(1), InitialState(p.Context().Parallelize(nil)))
		}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ssc := newManual(t, "local[2]")
			in := ssc.QueueStream(NewQueue(), true)
			pairs := in.Map(WithOne)
			err := buildError(func() { c.build(in, pairs) })
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("got %v, want no error", err)
			case c.want != "" && err == nil:
				t.Fatalf("no error, want %q", c.want)
			case c.want != "" && err.Error() != c.want:
				t.Errorf("error = %q\nwant    %q", err.Error(), c.want)
			}
		})
	}
}
