package engine

import (
	"fmt"
	"math/rand"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Pipelines for testdata/spark_suites.txt: the operations of Spark
// Streaming's BasicOperationsSuite, WindowOperationsSuite, MapWithStateSuite,
// JavaAPISuite and PySpark's streaming tests, written as those suites write them, so that the script
// can feed the suites' inputs and expect their outputs batch by batch.
func init() {
	for name, build := range sparkPipelines {
		if _, dup := ddPipelines[name]; dup {
			panic("spark pipeline " + name + " is already defined")
		}
		ddPipelines[name] = build
	}
}

// toPair is the suites' s.map(x => (x, 1)).
func toPair(x string) Pair { return KV(x, 1) }

// sumState is the suites' (values, state) => Some(values.sum + state.getOrElse(0)).
func sumState(values []int, state *int) *int {
	s := 0
	if state != nil {
		s = *state
	}
	for _, v := range values {
		s += v
	}
	return &s
}

var sparkPipelines = map[string]func(c *ddContext) []*DStream{
	// BasicOperationsSuite
	"SparkMap": func(c *ddContext) []*DStream {
		return one(c.in[0].Map(strconv.Itoa))
	},
	"SparkFlatMap": func(c *ddContext) []*DStream {
		return one(c.in[0].FlatMap(func(x int) []int { return []int{x, x * 2} }))
	},
	"SparkMapPartitions": func(c *ddContext) []*DStream {
		return one(c.in[0].MapPartitions(func(xs []int) []int {
			s := 0
			for _, x := range xs {
				s += x
			}
			return []int{s}
		}))
	},
	"SparkRepartition": func(c *ddContext) []*DStream {
		// ARGS: the input's partitions, then the partitions asked for. Prints,
		// as the suite asserts, the number of partitions of every batch and
		// the set of its elements (as runs of consecutive ints).
		s := c.in[0]
		if from := c.int(0, 2); from != 2 {
			s = s.Repartition(from)
		}
		s.Repartition(c.int(1, 2)).ForeachRDD(func(r *RDD, t Time) {
			parts := r.Partitions()
			var xs []int
			for _, p := range parts {
				for _, x := range p {
					xs = append(xs, x.(int))
				}
			}
			fmt.Fprintf(&c.h.out, "repartition at %s: %d partitions, elements %s\n", t, len(parts), intRuns(xs))
		})
		return nil
	},
	"SparkSlice": func(c *ddContext) []*DStream {
		// After the batch at ARG 0, prints in.Slice(from, to) for each pair
		// of times (in ms) that follows, the elements sorted.
		in := c.in[0]
		c.h.ssc.Remember(c.dur(0))
		last := Time(c.dur(0).Milliseconds())
		in.ForeachRDD(func(_ *RDD, t Time) {
			if t != last {
				return
			}
			for i := 1; i+1 < len(c.args); i += 2 {
				from, to := Time(c.int(i, 0)), Time(c.int(i+1, 0))
				var xs []int
				for _, r := range in.Slice(from, to) {
					for _, x := range r.Collect() {
						xs = append(xs, x.(int))
					}
				}
				sort.Ints(xs)
				fmt.Fprintf(&c.h.out, "slice(%s, %s): %v\n", from, to, xs)
			}
		})
		return nil
	},
	"SparkByKey": func(c *ddContext) []*DStream {
		// ARG: groupByKey, reduceByKey, mapValues or flatMapValues, each
		// after s.map(x => (x, 1)).
		pairs := c.in[0].Map(toPair)
		switch c.args[0] {
		case "groupByKey":
			return one(pairs.GroupByKey())
		case "reduceByKey":
			return one(pairs.ReduceByKey(Sum))
		case "mapValues":
			return one(pairs.ReduceByKey(Sum).MapValues(func(v int) int { return v + 10 }))
		case "flatMapValues":
			return one(pairs.ReduceByKey(Sum).FlatMapValues(func(v int) []int { return []int{v, v + 10} }))
		}
		c.h.t.Fatalf("SparkByKey: unknown operation %q", c.args[0])
		return nil
	},
	"SparkUnion": func(c *ddContext) []*DStream {
		s := c.in[0]
		return one(s.Union(s.Map(func(x int) int { return x + 4 })))
	},
	"SparkContextUnion": func(c *ddContext) []*DStream {
		s := c.in[0]
		return one(c.h.ssc.Union(s, s.Map(func(x int) int { return x + 4 }), s.Map(func(x int) int { return x + 8 })))
	},
	"SparkTransform": func(c *ddContext) []*DStream {
		return one(c.in[0].Transform(func(r *RDD) *RDD { return r.Map(strconv.Itoa) }))
	},
	"SparkTransformNil": func(c *ddContext) []*DStream {
		return one(c.in[0].Transform(func(r *RDD) *RDD { return nil }))
	},
	"SparkTwoStreams": func(c *ddContext) []*DStream {
		// ARG: transformWith, cogroup, join, leftOuterJoin, rightOuterJoin
		// or fullOuterJoin of s1.map(x => (x, 1)) with s2.map(x => (x, "x")).
		t1 := c.in[0].Map(toPair)
		t2 := c.in[1].Map(func(x string) Pair { return KV(x, "x") })
		switch c.args[0] {
		case "transformWith":
			return one(t1.TransformWith(t2, func(a, b *RDD) *RDD { return a.Join(b) }))
		case "cogroup":
			return one(t1.Cogroup(t2))
		case "join":
			return one(t1.Join(t2))
		case "leftOuterJoin":
			return one(t1.LeftOuterJoin(t2))
		case "rightOuterJoin":
			return one(t1.RightOuterJoin(t2))
		case "fullOuterJoin":
			return one(t1.FullOuterJoin(t2))
		}
		c.h.t.Fatalf("SparkTwoStreams: unknown operation %q", c.args[0])
		return nil
	},
	"SparkUpdateState": func(c *ddContext) []*DStream {
		// ARG: basic, initial, time or lifecycle.
		pairs := c.in[0].Map(toPair)
		initial := func() OpOption {
			return InitialState(c.h.ssc.Parallelize([]any{KV("a", 1), KV("c", 2)}))
		}
		switch c.args[0] {
		case "basic":
			return one(pairs.UpdateStateByKey(sumState))
		case "initial":
			return one(pairs.UpdateStateByKey(sumState, NumTasks(2), initial()))
		case "time":
			init := c.h.ssc.Parallelize([]any{KV("a", int64(0)), KV("c", int64(0))})
			return one(pairs.UpdateStateByKey(func(t Time, key string, values []int, state *int64) *int64 {
				var s int64
				if state != nil {
					s = *state
				}
				if len(values) > 0 {
					s += t.Milliseconds()
				}
				return &s
			}, NumTasks(2), InitialState(init)))
		case "lifecycle":
			// The suite's StateObject: a counter, and the number of batches
			// in a row without values; the key goes at the second.
			type stateObject struct{ Counter, ExpireCounter int }
			return one(pairs.UpdateStateByKey(func(values []int, state *stateObject) *stateObject {
				var s stateObject
				if state != nil {
					s = *state
				}
				n := 0
				for _, v := range values {
					n += v
				}
				if n == 0 {
					s.ExpireCounter++
				} else {
					s.Counter += n
					s.ExpireCounter = 0
				}
				if s.ExpireCounter == 2 {
					return nil
				}
				return &s
			}).MapValues(func(s stateObject) int { return s.Counter }))
		}
		c.h.t.Fatalf("SparkUpdateState: unknown variant %q", c.args[0])
		return nil
	},

	// PySpark's streaming tests (python/pyspark/streaming/tests.py)
	"SparkWindowCount": func(c *ddContext) []*DStream {
		// dstream.window(W, S).count()
		return one(c.in[0].Window(c.dur(0), c.dur(1)).Count())
	},
	"SparkWindowKeysCount": func(c *ddContext) []*DStream {
		// dstream.map(lambda x: (x, 1)).reduceByKeyAndWindow(operator.add,
		// None, W, S).filter(lambda kv: kv[1] > 0).count()
		return one(c.in[0].Map(WithOne).ReduceByKeyAndWindow(Sum, c.dur(0), c.dur(1)).
			Filter(func(p Pair) bool { return p.Value.(int) > 0 }).Count())
	},
	"SparkUpdateStateList": func(c *ddContext) []*DStream {
		// updater(vs, s) appends the values to the list s; with "initial" the
		// state of k starts as [0 1].
		var opts []OpOption
		if c.has("initial") {
			opts = append(opts, InitialState(c.h.ssc.Parallelize([]any{KV("k", []int{0, 1})}, 1)))
		}
		return one(c.in[0].UpdateStateByKey(func(values []int, state *[]int) *[]int {
			var s []int
			if state != nil {
				s = *state
			}
			s = append(s, values...)
			return &s
		}, opts...))
	},
	"SparkMapValuesPlus10": func(c *ddContext) []*DStream {
		return one(c.in[0].MapValues(func(v int) int { return v + 10 }))
	},
	"SparkFlatMapValuesPlus10": func(c *ddContext) []*DStream {
		return one(c.in[0].FlatMapValues(func(v int) []int { return []int{v, v + 10} }))
	},

	// MapWithStateSuite: ARG names the test; prints the mapped stream, then
	// the state snapshots.
	"SparkMapWithState": func(c *ddContext) []*DStream {
		runningSum := func(value *int, state *State) int {
			sum := 0
			if value != nil {
				sum = *value
			}
			if state.Exists() {
				sum += state.Get().(int)
			}
			return sum
		}
		var spec *StateSpec
		switch c.args[0] {
		case "simple":
			spec = StateSpecFunc(func(key string, value *int, state *State) int {
				sum := runningSum(value, state)
				state.Update(sum)
				return sum
			})
		case "advanced":
			spec = StateSpecFunc(func(t Time, key string, value *int, state *State) (string, bool) {
				state.Update(runningSum(value, state))
				return key + key, true
			})
		case "states":
			spec = StateSpecFunc(func(t Time, key string, value *int, state *State) (Pair, bool) {
				sum := runningSum(value, state)
				state.Update(sum)
				return KV(key, sum), true
			})
		case "initial":
			spec = StateSpecFunc(func(t Time, key string, value *int, state *State) (int, bool) {
				state.Update(runningSum(value, state))
				return 0, false
			}).InitialState(c.h.ssc.Parallelize([]any{KV("a", 5), KV("b", 10), KV("c", -20), KV("d", 0)}))
		case "removing":
			spec = StateSpecFunc(func(t Time, key string, value *int, state *State) (string, bool) {
				if state.Exists() {
					state.Remove()
					return key, true
				}
				state.Update(*value)
				return "", false
			}).NumPartitions(1)
		case "timeout":
			spec = StateSpecFunc(func(t Time, key string, value *int, state *State) (string, bool) {
				if value != nil {
					state.Update(1)
				}
				return key, state.IsTimingOut()
			}).Timeout(c.dur(1))
		default:
			c.h.t.Fatalf("SparkMapWithState: unknown test %q", c.args[0])
		}
		m := c.in[0].Map(toPair).MapWithState(spec)
		return []*DStream{m.DStream, m.StateSnapshots()}
	},
}

// intRuns renders a multiset of ints as sorted runs of consecutive values
// ("1..100"), and the number of duplicates.
func intRuns(xs []int) string {
	if len(xs) == 0 {
		return "none"
	}
	sort.Ints(xs)
	var runs []string
	dups := 0
	start, prev := xs[0], xs[0]
	flush := func() {
		if start == prev {
			runs = append(runs, strconv.Itoa(start))
		} else {
			runs = append(runs, fmt.Sprintf("%d..%d", start, prev))
		}
	}
	for _, x := range xs[1:] {
		switch {
		case x == prev:
			dups++
		case x == prev+1:
			prev = x
		default:
			flush()
			start, prev = x, x
		}
	}
	flush()
	if dups > 0 {
		runs = append(runs, fmt.Sprintf("%d duplicates", dups))
	}
	return strings.Join(runs, ", ")
}

// TestInverseWindowMatchesNaive generalises WindowOperationsSuite's
// "reduceByKeyAndWindow with inverse and filter functions - big test": with an
// inverse function and a filter that drops zeros, the incremental windows
// equal the naive ones, for random batches and windows whose slide need not
// divide the window.
func TestInverseWindowMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for _, ws := range [][2]int{{1, 1}, {2, 1}, {3, 1}, {3, 2}, {4, 2}, {5, 2}, {3, 3}, {5, 3}, {6, 3}, {7, 2}} {
		window, slide := time.Duration(ws[0])*time.Second, time.Duration(ws[1])*time.Second
		for range 4 {
			var batches [][]any
			for range 14 {
				var b []any
				if r.Intn(4) > 0 {
					for range r.Intn(5) {
						b = append(b, KV(string(rune('a'+r.Intn(4))), 1+r.Intn(3)))
					}
				}
				batches = append(batches, b)
			}
			run := func(opts ...OpOption) string {
				ssc := NewStreamingContext("local[2]", "inverse", time.Second, WithManualClock(), WithBatchLog(nil))
				defer ssc.Stop(false)
				q := NewQueue()
				var out []string
				ssc.QueueStream(q, true).ReduceByKeyAndWindow(Sum, window, slide, opts...).ForeachRDD(func(rdd *RDD, tm Time) {
					var es []string
					for _, x := range rdd.Collect() {
						es = append(es, Format(x))
					}
					sort.Strings(es)
					out = append(out, fmt.Sprintf("%s: %s", tm, strings.Join(es, " ")))
				})
				for _, b := range batches {
					q.Push(b...)
				}
				if err := ssc.Start(); err != nil {
					t.Fatal(err)
				}
				if err := ssc.Advance(16 * time.Second); err != nil {
					t.Fatal(err)
				}
				return strings.Join(out, "\n")
			}
			naive := run()
			inverse := run(Inverse(Diff), FilterFunc(func(p Pair) bool { return p.Value != 0 }))
			if naive != inverse {
				t.Errorf("window %v, slide %v, batches %v:\nnaive:\n%s\nwith inverse:\n%s", window, slide, batches, naive, inverse)
			}
		}
	}
}
