package engine_test

// The pipelines of testdata/rdd/*.txt: Spark's RDDSuite, PairRDDFunctionsSuite,
// SortingSuite, DoubleRDDSuite and JavaAPISuite cases for the RDD operations
// users call inside Transform and ForeachRDD, each named after its Spark
// test. TestRDDScripts runs every script twice: with these funcs compiled
// into the test binary, and with this very file evaluated by the
// interpreter, as the shell and `gostream run` evaluate user code. So the
// file keeps to what the interpreter runs: no generics, no range over ints.

import (
	"fmt"
	"io"
	"math/rand"
	"sort"
	"strings"

	"github.com/gostream/gostream/engine"
)

type rddCase = func(ssc *engine.StreamingContext, in []*engine.DStream, out io.Writer) []*engine.DStream

// each returns a pipeline that calls f with the RDD of every batch of the
// first input and prints what f returns, one line per name.
func each(f func(ssc *engine.StreamingContext, r *engine.RDD) []string) rddCase {
	return func(ssc *engine.StreamingContext, in []*engine.DStream, out io.Writer) []*engine.DStream {
		in[0].ForeachRDD(func(r *engine.RDD, t engine.Time) {
			for _, l := range f(ssc, r) {
				fmt.Fprintf(out, "%s: %s\n", t, l)
			}
		})
		return nil
	}
}

// both is each over the RDDs of both inputs.
func both(f func(ssc *engine.StreamingContext, a, b *engine.RDD) []string) rddCase {
	return func(ssc *engine.StreamingContext, in []*engine.DStream, out io.Writer) []*engine.DStream {
		in[0].TransformWith(in[1], func(a, b *engine.RDD, t engine.Time) *engine.RDD {
			for _, l := range f(ssc, a, b) {
				fmt.Fprintf(out, "%s: %s\n", t, l)
			}
			return a
		}).ForeachRDD(func(*engine.RDD) {})
		return nil
	}
}

func show(name string, v any) string { return name + " = " + engine.Format(v) }

// sorted prints the elements of xs sorted by their printed form.
func sorted(xs []any) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = engine.Format(x)
	}
	sort.Strings(s)
	return "[" + strings.Join(s, " ") + "]"
}

func intsFrom(from, to int) []any {
	var xs []any
	for i := from; i <= to; i++ {
		xs = append(xs, i)
	}
	return xs
}

func countsOf(m map[any]int) string {
	var s []string
	for k, v := range m {
		s = append(s, fmt.Sprintf("%s:%d", engine.Format(k), v))
	}
	sort.Strings(s)
	return "map[" + strings.Join(s, " ") + "]"
}

func valuesOf(m map[any]any) string {
	var s []string
	for k, v := range m {
		s = append(s, engine.Format(k)+":"+engine.Format(v))
	}
	sort.Strings(s)
	return "map[" + strings.Join(s, " ") + "]"
}

func partitionSizes(r *engine.RDD) []int {
	var sizes []int
	for _, p := range r.Partitions() {
		sizes = append(sizes, len(p))
	}
	return sizes
}

// addToSet returns set with v added, as a new slice (the zero value is shared).
func addToSet(set []int, v int) []int {
	for _, x := range set {
		if x == v {
			return set
		}
	}
	out := append([]int(nil), set...)
	out = append(out, v)
	sort.Ints(out)
	return out
}

var rddCases = map[string]rddCase{
	// RDDSuite "basic operations": nums = sc.makeRDD(Array(1, 2, 3, 4), 2)
	"RDDSuite basic operations": each(func(ssc *engine.StreamingContext, nums *engine.RDD) []string {
		return []string{
			show("reduce(_ + _)", nums.Reduce(engine.Sum)),
			show("fold(0)(_ + _)", nums.Fold(0, engine.Sum)),
			show("max()", nums.Max()),
			show("min()", nums.Min()),
			show("mapPartitionsWithIndex((split, iter) => (split, iter.sum))", nums.MapPartitionsWithIndex(func(split int, xs []int) []engine.Pair {
				s := 0
				for _, x := range xs {
					s += x
				}
				return []engine.Pair{engine.KV(split, s)}
			}).Collect()),
			show("keys of keyBy(_.toString)", nums.Map(func(x int) engine.Pair { return engine.KV(fmt.Sprint(x), x) }).Keys().Collect()),
		}
	}),
	// RDDSuite "aggregate": pairs.aggregate(emptyMap)(mergeElement, mergeMaps)
	"RDDSuite aggregate": each(func(ssc *engine.StreamingContext, pairs *engine.RDD) []string {
		merge := func(m map[string]int, k string, v int) map[string]int {
			out := map[string]int{}
			for k2, v2 := range m {
				out[k2] = v2
			}
			out[k] += v
			return out
		}
		res := pairs.Aggregate(map[string]int{},
			func(m map[string]int, p engine.Pair) map[string]int { return merge(m, p.Key.(string), p.Value.(int)) },
			func(a, b map[string]int) map[string]int {
				for k, v := range b {
					a = merge(a, k, v)
				}
				return a
			})
		return []string{fmt.Sprint("aggregate = ", res)}
	}),
	// RDDSuite "top with predefined ordering": Seq.range(1, 100000) shuffled,
	// in 2 partitions (1 to 10000 here, to keep the interpreted run short).
	"RDDSuite top with predefined ordering": each(func(ssc *engine.StreamingContext, _ *engine.RDD) []string {
		var nums []any
		for _, i := range rand.New(rand.NewSource(7)).Perm(9999) {
			nums = append(nums, i+1)
		}
		ints := ssc.Parallelize(nums, 2)
		return []string{show("top(5)", ints.Top(5))}
	}),
	// RDDSuite "top with custom ordering": words = Vector("a", "b", "c", "d"),
	// implicit val ord = implicitly[Ordering[String]].reverse; top(2) is the two
	// largest by ord, a and b (the suite asserts topK.sorted, by ord: b, a).
	"RDDSuite top with custom ordering": each(func(ssc *engine.StreamingContext, rdd *engine.RDD) []string {
		reverse := engine.Ordering(func(a, b string) bool { return a > b })
		return []string{show("top(2)", rdd.Top(2, reverse))}
	}),
	// RDDSuite "takeOrdered with predefined ordering": nums = Array(1 to 10), 2 partitions
	"RDDSuite takeOrdered with predefined ordering": each(func(ssc *engine.StreamingContext, rdd *engine.RDD) []string {
		return []string{
			show("takeOrdered(5)", rdd.TakeOrdered(5)),
			show("takeOrdered(20)", rdd.TakeOrdered(20)),
		}
	}),
	// RDDSuite "takeOrdered with limit 0"
	"RDDSuite takeOrdered with limit 0": each(func(ssc *engine.StreamingContext, rdd *engine.RDD) []string {
		return []string{show("takeOrdered(0)", rdd.TakeOrdered(0))}
	}),
	// RDDSuite "takeOrdered with custom ordering": implicitly[Ordering[Int]].reverse
	"RDDSuite takeOrdered with custom ordering": each(func(ssc *engine.StreamingContext, rdd *engine.RDD) []string {
		reverse := engine.Ordering(func(a, b int) bool { return a > b })
		return []string{show("takeOrdered(5)", rdd.TakeOrdered(5, reverse))}
	}),
	// RDDSuite "intersection": all = 1 to 10, evens = 2 to 10 by 2
	// RDDSuite "intersection strips duplicates in an input"
	"RDDSuite intersection": both(func(ssc *engine.StreamingContext, a, b *engine.RDD) []string {
		return []string{show("intersection", a.Intersection(b).TakeOrdered(20))}
	}),
	// RDDSuite "zipWithIndex": sc.parallelize(0 until n, 3).zipWithIndex()
	"RDDSuite zipWithIndex": each(func(ssc *engine.StreamingContext, _ *engine.RDD) []string {
		ranked := ssc.Parallelize(intsFrom(0, 9), 3).ZipWithIndex()
		ok := true
		for _, x := range ranked.Collect() {
			p := x.(engine.Pair)
			ok = ok && p.Key == p.Value
		}
		return []string{show("zipWithIndex", ranked.Collect()), fmt.Sprint("x._1 == x._2: ", ok)}
	}),
	// RDDSuite "cartesian on empty RDD"
	"RDDSuite cartesian on empty RDD": each(func(ssc *engine.StreamingContext, b *engine.RDD) []string {
		a := ssc.EmptyRDD()
		return []string{
			show("a.cartesian(a)", a.Cartesian(a).Collect()),
			show("a.cartesian(b)", a.Cartesian(b).Collect()),
			show("b.cartesian(a)", b.Cartesian(a).Collect()),
		}
	}),
	// RDDSuite "cartesian on non-empty RDDs": a = 1 to 3, b = 2 to 4, c = 1 to 1
	"RDDSuite cartesian on non-empty RDDs": both(func(ssc *engine.StreamingContext, a, b *engine.RDD) []string {
		c := ssc.Parallelize([]any{1})
		return []string{
			show("a.cartesian(b)", sorted(a.Cartesian(b).Collect())),
			show("c.cartesian(a)", sorted(c.Cartesian(a).Collect())),
			fmt.Sprint("partitions = ", a.Cartesian(b).NumPartitions()),
		}
	}),
	// PairRDDFunctionsSuite "aggregateByKey": aggregateByKey(new HashSet[Int]())(_ += _, _ ++= _)
	"PairRDDFunctionsSuite aggregateByKey": each(func(ssc *engine.StreamingContext, pairs *engine.RDD) []string {
		sets := pairs.AggregateByKey([]int{}, addToSet, func(a, b []int) []int {
			for _, v := range b {
				a = addToSet(a, v)
			}
			return a
		})
		return []string{show("sets", sorted(sets.Collect()))}
	}),
	// PairRDDFunctionsSuite "foldByKey": pairs.foldByKey(0)(_+_)
	"PairRDDFunctionsSuite foldByKey": each(func(ssc *engine.StreamingContext, pairs *engine.RDD) []string {
		return []string{show("sums", sorted(pairs.FoldByKey(0, engine.Sum).Collect()))}
	}),
	// PairRDDFunctionsSuite "foldByKey with mutable result type": the values
	// folded into new slices leave the original RDD unchanged.
	"PairRDDFunctionsSuite foldByKey with mutable result type": each(func(ssc *engine.StreamingContext, pairs *engine.RDD) []string {
		bufs := pairs.MapValues(func(v int) []int { return []int{v} }).Cache()
		sums := bufs.FoldByKey([]int{}, func(a, b []int) []int { return append(append([]int(nil), a...), b...) })
		return []string{show("sums", sorted(sums.Collect())), show("bufs", sorted(bufs.Collect()))}
	}),
	// PairRDDFunctionsSuite "reduceByKey with collectAsMap"
	"PairRDDFunctionsSuite reduceByKey with collectAsMap": each(func(ssc *engine.StreamingContext, pairs *engine.RDD) []string {
		sums := pairs.ReduceByKey(engine.Sum).CollectAsMap()
		return []string{fmt.Sprint("size = ", len(sums)), show("sums(1)", sums[1]), show("sums(2)", sums[2])}
	}),
	// PairRDDFunctionsSuite "keys and values"
	"PairRDDFunctionsSuite keys and values": each(func(ssc *engine.StreamingContext, rdd *engine.RDD) []string {
		return []string{show("keys", rdd.Keys().Collect()), show("values", rdd.Values().Collect())}
	}),
	// PairRDDFunctionsSuite "subtract": a = (1, 2, 3) in 2 partitions, b = (2, 3, 4) in 4
	"PairRDDFunctionsSuite subtract": both(func(ssc *engine.StreamingContext, a, b *engine.RDD) []string {
		c := a.Subtract(b.Repartition(4))
		return []string{show("c", sorted(c.Collect())), fmt.Sprint("partitions = ", c.NumPartitions())}
	}),
	// PairRDDFunctionsSuite "subtractByKey"
	"PairRDDFunctionsSuite subtractByKey": both(func(ssc *engine.StreamingContext, a, b *engine.RDD) []string {
		c := a.SubtractByKey(b.Repartition(4))
		return []string{show("c", sorted(c.Collect())), fmt.Sprint("partitions = ", c.NumPartitions())}
	}),
	// PairRDDFunctionsSuite "lookup"
	"PairRDDFunctionsSuite lookup": each(func(ssc *engine.StreamingContext, pairs *engine.RDD) []string {
		return []string{show("lookup(1)", pairs.Lookup(1)), show("lookup(5)", pairs.Lookup(5)), show("lookup(-1)", pairs.Lookup(-1))}
	}),
	// PairRDDFunctionsSuite's sampleByKey checks its sample with countByKey;
	// here countByKey itself, on the words of a batch.
	"countByKey": each(func(ssc *engine.StreamingContext, words *engine.RDD) []string {
		return []string{"countByKey = " + countsOf(words.Map(engine.WithOne).CountByKey())}
	}),
	// SortingSuite "sortByKey": Array((1, 0), (2, 0), (0, 0), (3, 0)) in 2 partitions
	// SortingSuite "sort descending": sortByKey(false)
	"SortingSuite sortByKey": each(func(ssc *engine.StreamingContext, pairs *engine.RDD) []string {
		return []string{show("sortByKey()", pairs.SortByKey(true).Collect()), show("sortByKey(false)", pairs.SortByKey(false).Collect())}
	}),
	// SortingSuite "partition balancing": (1 to 1000).map(x => (x, x)) in 4
	// partitions, sortByKey(): sorted, and 4 partitions of about 250.
	"SortingSuite partition balancing": each(func(ssc *engine.StreamingContext, _ *engine.RDD) []string {
		var pairs []any
		for i := 1000; i >= 1; i-- {
			pairs = append(pairs, engine.KV(i, i))
		}
		s := ssc.Parallelize(pairs, 4).SortByKey(true)
		all := s.Collect()
		ok := len(all) == 1000
		for i, x := range all {
			ok = ok && x.(engine.Pair).Key == i+1
		}
		desc := ssc.Parallelize(pairs, 4).SortByKey(false, engine.NumTasks(3))
		return []string{fmt.Sprint("sorted: ", ok), fmt.Sprint("partition sizes: ", partitionSizes(s)),
			fmt.Sprint("descending first and last: ", desc.First(), " ", desc.Collect()[999]),
			fmt.Sprint("descending partition sizes: ", partitionSizes(desc))}
	}),
	// SortingSuite "sortByKey with explicit ordering" after Spark's
	// OrderedRDDFunctions taking an implicit Ordering: words by length.
	"SortByKey with Ordering": each(func(ssc *engine.StreamingContext, r *engine.RDD) []string {
		byLen := engine.Ordering(func(a, b string) bool { return len(a) < len(b) })
		pairs := r.Map(engine.WithOne)
		return []string{show("by length", pairs.SortByKey(true, byLen).Keys().Collect())}
	}),
	// DoubleRDDSuite "sum": empty 0.0, Seq(1.0) 1.0, Seq(1.0, 2.0) 3.0
	"DoubleRDDSuite sum": each(func(ssc *engine.StreamingContext, _ *engine.RDD) []string {
		return []string{
			show("sum of empty", ssc.Parallelize(nil).Sum()),
			show("sum of 1.0", ssc.Parallelize([]any{1.0}).Sum()),
			show("sum of 1.0, 2.0", ssc.Parallelize([]any{1.0, 2.0}).Sum()),
		}
	}),
	// JavaAPISuite "doubleRDD": parallelizeDoubles(1.0, 1.0, 2.0, 3.0, 5.0, 8.0)
	"JavaAPISuite doubleRDD": each(func(ssc *engine.StreamingContext, _ *engine.RDD) []string {
		rdd := ssc.Parallelize([]any{1.0, 1.0, 2.0, 3.0, 5.0, 8.0})
		f := func(x float64) string { return fmt.Sprintf("%.5f", x) }
		return []string{
			show("sum", rdd.Sum()), show("mean", f(rdd.Mean())),
			show("variance", f(rdd.Variance())), show("sampleVariance", f(rdd.SampleVariance())),
			show("stdev", f(rdd.Stdev())), show("sampleStdev", f(rdd.SampleStdev())),
			show("max", rdd.Max()), show("min", rdd.Min()),
			show("mean of empty", ssc.EmptyRDD().Mean()),
		}
	}),
	// JavaAPISuite "combineByKey": 1 to 6 keyed by v % 3, combined with
	// createCombiner v -> v and v1 + v2 for both merges: {0=9, 1=5, 2=7}.
	"JavaAPISuite combineByKey": each(func(ssc *engine.StreamingContext, r *engine.RDD) []string {
		keyed := r.Map(func(v int) engine.Pair { return engine.KV(v%3, v) })
		combined := keyed.CombineByKey(func(v int) int { return v }, engine.Sum, engine.Sum, engine.NumTasks(3))
		return []string{"collectAsMap = " + valuesOf(combined.CollectAsMap()), fmt.Sprint("partitions = ", combined.NumPartitions())}
	}),
	// The DStream form: the average of each key in every batch, through a
	// (sum, count) combiner.
	"DStream CombineByKey": func(ssc *engine.StreamingContext, in []*engine.DStream, out io.Writer) []*engine.DStream {
		avg := in[0].CombineByKey(
			func(v int) engine.Pair { return engine.KV(v, 1) },
			func(c engine.Pair, v int) engine.Pair { return engine.KV(c.Key.(int)+v, c.Value.(int)+1) },
			func(a, b engine.Pair) engine.Pair {
				return engine.KV(a.Key.(int)+b.Key.(int), a.Value.(int)+b.Value.(int))
			}).MapValues(func(c engine.Pair) float64 { return float64(c.Key.(int)) / float64(c.Value.(int)) })
		return []*engine.DStream{avg}
	},
	// Spark's RDD.sample contract: the same seed gives the same sample;
	// without replacement each element at most once, with about fraction·n
	// elements; with replacement about fraction·n copies.
	"Sample": each(func(ssc *engine.StreamingContext, _ *engine.RDD) []string {
		r := ssc.Parallelize(intsFrom(1, 1000), 4)
		a, b := r.Sample(false, 0.3, 42).Collect(), r.Sample(false, 0.3, 42).Collect()
		same := len(a) == len(b)
		seen := map[any]bool{}
		distinct := true
		for i := range a {
			same = same && a[i] == b[i]
			distinct = distinct && !seen[a[i]]
			seen[a[i]] = true
		}
		n := r.Sample(true, 2.0, 7).Count()
		return []string{
			fmt.Sprint("same seed, same sample: ", same),
			fmt.Sprint("without replacement distinct: ", distinct, ", about 300: ", len(a) > 240 && len(a) < 360),
			fmt.Sprint("with replacement, fraction 2, about 2000: ", n > 1850 && n < 2150),
			show("fraction 0", r.Sample(false, 0, 1).Count()),
			show("fraction 1", r.Sample(false, 1, 1).Count()),
		}
	}),
	"Sample bad fraction": each(func(ssc *engine.StreamingContext, r *engine.RDD) []string {
		return []string{show("sample", r.Sample(false, 1.5).Collect())}
	}),
	// RDDSuite "basic operations" foreach and foreachPartition, counted.
	"Foreach": each(func(ssc *engine.StreamingContext, r *engine.RDD) []string {
		counts := make(chan int, 100)
		r.Foreach(func(x int) { counts <- x })
		r.ForeachPartition(func(part []int) { counts <- -len(part) })
		close(counts)
		var got []int
		for c := range counts {
			got = append(got, c)
		}
		sort.Ints(got)
		return []string{show("seen", got)}
	}),
	// Errors: a Lookup on elements that are not Pairs, and a Top with an
	// Ordering of the wrong shape, fail the batch naming the operation.
	"Lookup not pairs": each(func(ssc *engine.StreamingContext, r *engine.RDD) []string {
		return []string{show("lookup", r.Lookup(1))}
	}),
	"Top bad ordering": each(func(ssc *engine.StreamingContext, r *engine.RDD) []string {
		return []string{show("top", r.Top(1, engine.Ordering(func(a int) bool { return a > 0 })))}
	}),
	// StreamingContext.transform over several streams: Spark's
	// ssc.transform(Seq(s1, s2, s3), (rdds, time) => ...).
	"StreamingContext transform": func(ssc *engine.StreamingContext, in []*engine.DStream, out io.Writer) []*engine.DStream {
		thirds := in[0].Map(func(x int) int { return x * 3 })
		joined := ssc.Transform([]*engine.DStream{in[0], in[1], thirds}, func(rdds []*engine.RDD, t engine.Time) *engine.RDD {
			return rdds[0].Union(rdds[1]).Intersection(rdds[2]).SortBy(func(x int) int { return x }, true).
				Map(func(x int) string { return fmt.Sprintf("%d at %s", x, t) })
		})
		return []*engine.DStream{joined}
	},
	// BasicOperationsSuite "transform with NULL": Spark fails the job.
	"Transform nil": func(ssc *engine.StreamingContext, in []*engine.DStream, out io.Writer) []*engine.DStream {
		return []*engine.DStream{in[0].Transform(func(r *engine.RDD) *engine.RDD { return nil })}
	},
	// The word count of the programming guide's example, sorted by count then
	// word with SortBy of a Pair key instead of padding strings, and the top 2.
	"TopWords": func(ssc *engine.StreamingContext, in []*engine.DStream, out io.Writer) []*engine.DStream {
		counts := in[0].FlatMap(strings.Fields).Map(engine.WithOne).ReduceByKey(engine.Sum)
		counts.ForeachRDD(func(r *engine.RDD) {
			fmt.Fprintln(out, "top 2 by count:", engine.Format(r.Top(2, engine.Ordering(func(a, b engine.Pair) bool {
				if a.Value.(int) != b.Value.(int) {
					return a.Value.(int) < b.Value.(int)
				}
				return a.Key.(string) > b.Key.(string)
			}))))
		})
		return []*engine.DStream{counts.Transform(func(r *engine.RDD) *engine.RDD {
			return r.SortBy(func(p engine.Pair) engine.Pair { return engine.KV(-p.Value.(int), p.Key) }, true)
		})}
	},
}
