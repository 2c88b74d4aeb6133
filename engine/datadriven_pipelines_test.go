package engine

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ddContext is what a pipeline builder gets: the inputs and the arguments
// after the pipeline's name.
type ddContext struct {
	h    *ddHarness
	in   []*DStream
	args []string
}

func (c *ddContext) dur(i int) time.Duration {
	if i >= len(c.args) {
		c.h.t.Fatalf("pipeline wants argument %d (a duration)", i+1)
	}
	return c.h.duration(c.args[i])
}

func (c *ddContext) int(i, def int) int {
	if i >= len(c.args) {
		return def
	}
	n, err := strconv.Atoi(c.args[i])
	if err != nil {
		c.h.t.Fatalf("pipeline argument %q: want an int", c.args[i])
	}
	return n
}

func (c *ddContext) has(flag string) bool {
	for _, a := range c.args {
		if a == flag {
			return true
		}
	}
	return false
}

func one(d *DStream) []*DStream { return []*DStream{d} }

// ddPipelines are the pipelines scripts start, by name.
var ddPipelines = map[string]func(c *ddContext) []*DStream{
	"Identity": func(c *ddContext) []*DStream { return one(c.in[0]) },
	"Map": func(c *ddContext) []*DStream {
		return one(c.in[0].Map(func(x int) int { return x * 10 }))
	},
	"MapReflect": func(c *ddContext) []*DStream {
		return one(c.in[0].Map(func(x int) float64 { return float64(x) / 2 }))
	},
	"MapInt8": func(c *ddContext) []*DStream {
		return one(c.in[0].Map(func(x int8) int16 { return int16(x) * 2 }))
	},
	"MapToPair": func(c *ddContext) []*DStream {
		return one(c.in[0].Map(func(w string) Pair { return KV(w, len(w)) }))
	},
	"FlatMap": func(c *ddContext) []*DStream {
		return one(c.in[0].FlatMap(strings.Fields))
	},
	"Filter": func(c *ddContext) []*DStream {
		return one(c.in[0].Filter(func(x int) bool { return x%2 == 0 }))
	},
	"MapPartitions": func(c *ddContext) []*DStream {
		return one(c.in[0].MapPartitions(func(xs []int) []int {
			s := 0
			for _, x := range xs {
				s += x
			}
			return []int{len(xs), s}
		}))
	},
	"Glom": func(c *ddContext) []*DStream { return one(c.in[0].Glom()) },
	"Union": func(c *ddContext) []*DStream {
		return one(c.in[0].Union(c.in[1]))
	},
	"Repartition": func(c *ddContext) []*DStream {
		return one(c.in[0].Repartition(c.int(0, 3)).Glom())
	},
	"Count":        func(c *ddContext) []*DStream { return one(c.in[0].Count()) },
	"CountByValue": func(c *ddContext) []*DStream { return one(c.in[0].CountByValue()) },
	"Reduce":       func(c *ddContext) []*DStream { return one(c.in[0].Reduce(Sum)) },
	"ReduceStrings": func(c *ddContext) []*DStream {
		return one(c.in[0].Reduce(func(a, b string) string { return a + "+" + b }))
	},
	"Transform": func(c *ddContext) []*DStream {
		return one(c.in[0].Transform(func(r *RDD) *RDD {
			return r.SortBy(func(x int) int { return -x }, true)
		}))
	},
	"TransformTime": func(c *ddContext) []*DStream {
		return one(c.in[0].Transform(func(r *RDD, t Time) *RDD {
			return r.Map(func(x any) any { return KV(t.Milliseconds(), x) })
		}))
	},
	"TransformWith": func(c *ddContext) []*DStream {
		return one(c.in[0].TransformWith(c.in[1], func(a, b *RDD) *RDD {
			return a.Join(b).SortBy(func(p Pair) string { return fmt.Sprint(p.Key) }, true)
		}))
	},
	"ReduceByKey": func(c *ddContext) []*DStream {
		return one(c.in[0].ReduceByKey(Sum))
	},
	"ReduceByKeyReflect": func(c *ddContext) []*DStream {
		return one(c.in[0].ReduceByKey(func(a, b any) any { return a.(int) * b.(int) }, NumTasks(1)))
	},
	"GroupByKey": func(c *ddContext) []*DStream {
		return one(c.in[0].GroupByKey(NumTasks(c.int(0, 2))))
	},
	"MapValues": func(c *ddContext) []*DStream {
		return one(c.in[0].MapValues(func(v int) string { return strings.Repeat("*", v) }))
	},
	"FlatMapValues": func(c *ddContext) []*DStream {
		return one(c.in[0].FlatMapValues(func(v int) []int {
			out := make([]int, v)
			for i := range out {
				out[i] = i
			}
			return out
		}))
	},
	"Join":           func(c *ddContext) []*DStream { return one(c.in[0].Join(c.in[1])) },
	"LeftOuterJoin":  func(c *ddContext) []*DStream { return one(c.in[0].LeftOuterJoin(c.in[1])) },
	"RightOuterJoin": func(c *ddContext) []*DStream { return one(c.in[0].RightOuterJoin(c.in[1])) },
	"FullOuterJoin":  func(c *ddContext) []*DStream { return one(c.in[0].FullOuterJoin(c.in[1])) },
	"Cogroup":        func(c *ddContext) []*DStream { return one(c.in[0].Cogroup(c.in[1])) },
	"Print": func(c *ddContext) []*DStream {
		c.in[0].Print(c.int(0, 10))
		return nil
	},
	"ForeachRDD": func(c *ddContext) []*DStream {
		c.in[0].ForeachRDD(func(r *RDD, t Time) {
			fmt.Fprintf(&c.h.out, "ForeachRDD %s: %d elements in %d partitions: %v\n", t, r.Count(), r.NumPartitions(), r.Collect())
		})
		return nil
	},

	// windows: ARGS are the window and slide durations
	"Window": func(c *ddContext) []*DStream {
		return one(c.in[0].Window(c.dur(0), c.dur(1)))
	},
	// ARG 0 names a two-stream operation; the second input is windowed by
	// ARGS 1 and 2, so their slides may differ.
	"TwoSlides": func(c *ddContext) []*DStream {
		other := c.in[1].Window(c.dur(1), c.dur(2))
		switch c.args[0] {
		case "Union":
			return one(c.in[0].Union(other))
		case "ContextUnion":
			return one(c.h.ssc.Union(other, c.in[0]))
		case "Join":
			return one(c.in[0].Join(other))
		case "Cogroup":
			return one(c.in[0].Cogroup(other))
		case "TransformWith":
			return one(c.in[0].TransformWith(other, func(a, b *RDD, t Time) *RDD {
				return a.Union(b).Map(func(x any) any { return KV(t.Milliseconds(), x) })
			}))
		}
		panic("TwoSlides: unknown operation " + c.args[0])
	},
	"WindowOfWindow": func(c *ddContext) []*DStream {
		return one(c.in[0].Window(c.dur(0), c.dur(1)).Window(c.dur(2), c.dur(3)))
	},
	"CountByWindow": func(c *ddContext) []*DStream {
		return one(c.in[0].CountByWindow(c.dur(0), c.dur(1)))
	},
	"ReduceByWindow": func(c *ddContext) []*DStream {
		var opts []OpOption
		if c.has("inv") {
			opts = append(opts, Inverse(Diff))
		}
		return one(c.in[0].ReduceByWindow(Sum, c.dur(0), c.dur(1), opts...))
	},
	"CountByValueAndWindow": func(c *ddContext) []*DStream {
		return one(c.in[0].CountByValueAndWindow(c.dur(0), c.dur(1)))
	},
	"GroupByKeyAndWindow": func(c *ddContext) []*DStream {
		return one(c.in[0].GroupByKeyAndWindow(c.dur(0), c.dur(1)))
	},
	"ReduceByKeyAndWindow": func(c *ddContext) []*DStream {
		var opts []OpOption
		if c.has("inv") {
			opts = append(opts, Inverse(Diff))
		}
		if c.has("filter") {
			opts = append(opts, FilterFunc(func(p Pair) bool { return p.Value != 0 }))
		}
		if c.has("tasks3") {
			opts = append(opts, NumTasks(3))
		}
		return one(c.in[0].ReduceByKeyAndWindow(Sum, c.dur(0), c.dur(1), opts...))
	},
	"ReduceByKeyAndWindowReflect": func(c *ddContext) []*DStream {
		// Strings, through the reflective path: the inverse strips a prefix.
		cat := func(a, b string) string { return a + b }
		uncat := func(a, b string) string { return strings.TrimPrefix(a, b) }
		return one(c.in[0].ReduceByKeyAndWindow(cat, c.dur(0), c.dur(1), Inverse(uncat),
			FilterFunc(func(v string) bool { return v != "" })))
	},
	"CountByKeyAndWindow": func(c *ddContext) []*DStream {
		return one(c.in[0].CountByKeyAndWindow(c.dur(0), c.dur(1)))
	},

	// state
	"UpdateStateByKey": func(c *ddContext) []*DStream {
		// A running sum per key; a value of 0 removes the key.
		return one(c.in[0].UpdateStateByKey(func(values []int, state *int) *int {
			s := 0
			if state != nil {
				s = *state
			}
			for _, v := range values {
				if v == 0 {
					return nil
				}
				s += v
			}
			return &s
		}))
	},
	"UpdateStateByKeyFull": func(c *ddContext) []*DStream {
		// The form with time and key, through reflection: a list of the
		// batches each key was seen in, dropped after 3 silent batches.
		type seen struct {
			Batches []int64
			Silent  int
		}
		f := func(t Time, key string, values []int, state *seen) *seen {
			s := seen{}
			if state != nil {
				s = *state
			}
			if len(values) == 0 {
				s.Silent++
				if s.Silent == 3 {
					return nil
				}
				return &s
			}
			s.Silent = 0
			s.Batches = append(append([]int64(nil), s.Batches...), t.Milliseconds()/1000)
			return &s
		}
		var opts []OpOption
		if c.has("initial") {
			init := c.h.ssc.Parallelize([]any{KV("z", seen{Batches: []int64{0}})}, 1)
			opts = append(opts, InitialState(init))
		}
		return one(c.in[0].UpdateStateByKey(f, opts...))
	},
	"UpdateStateByKeyInitial": func(c *ddContext) []*DStream {
		init := c.h.ssc.Parallelize([]any{KV("a", 100), KV("z", 1)})
		return one(c.in[0].UpdateStateByKey(sumState, InitialState(init), NumTasks(3)))
	},
	"WindowThenState": func(c *ddContext) []*DStream {
		// State over a window sliding every 2s: the state slides with it.
		return one(c.in[0].Window(c.dur(0), c.dur(1)).UpdateStateByKey(sumState))
	},
	"UpdateStateByKeyBad": func(c *ddContext) []*DStream {
		return one(c.in[0].UpdateStateByKey(func(values []int, state int) int { return 0 }))
	},
	"MapWithState": func(c *ddContext) []*DStream {
		// A running count per key, emitting (key, count); a value of 0
		// removes the key; timing-out keys emit (key, -count).
		spec := StateSpecFunc(func(key string, value *int, state *State) Pair {
			n := 0
			if state.Exists() {
				n = state.Get().(int)
			}
			if state.IsTimingOut() {
				return KV(key, -n)
			}
			if *value == 0 {
				state.Remove()
				return KV(key, 0)
			}
			n += *value
			state.Update(n)
			return KV(key, n)
		})
		if c.has("timeout") {
			spec = spec.Timeout(c.dur(1))
		}
		if c.has("initial") {
			spec = spec.InitialState(c.h.ssc.Parallelize([]any{KV("a", 10)}))
		}
		if c.has("parts1") {
			spec = spec.NumPartitions(1)
		}
		m := c.in[0].MapWithState(spec)
		return []*DStream{m.DStream, m.StateSnapshots()}
	},
	"MapWithStateFull": func(c *ddContext) []*DStream {
		// The form with time and an optional result, through reflection:
		// emits only when a key's total passes a multiple of 10.
		spec := StateSpecFunc(func(t Time, key string, value *int64, state *State) (string, bool) {
			var n int64
			if state.Exists() {
				n = state.Get().(int64)
			}
			if value == nil {
				return fmt.Sprintf("%s timed out at %s with %d", key, t, n), true
			}
			m := n + *value
			state.Update(m)
			if m/10 > n/10 {
				return fmt.Sprintf("%s reached %d at %s", key, m, t), true
			}
			return "", false
		}).Timeout(2 * time.Second)
		m := c.in[0].Map(func(p Pair) Pair { return KV(p.Key, int64(p.Value.(int))) }).MapWithState(spec)
		return []*DStream{m.DStream, m.StateSnapshots()}
	},
	"MapWithStateBad": func(c *ddContext) []*DStream {
		return one(c.in[0].MapWithState(StateSpecFunc(func(key string, value int, state *State) int { return 0 })).DStream)
	},
}
