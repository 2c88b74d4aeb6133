package session

import (
	"context"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gostream/gostream/engine"
)

// benchLines is the number of lines RateStream makes per one-second batch.
const benchLines = 20000

// The word-count pipeline three ways, one batch of benchLines lines per
// iteration on a manual clock:
//
//   - compiled: the pipeline built by compiled Go;
//   - interpreted/compiled-funcs: the same built by interpreted code that
//     passes compiled functions (strings.Fields, engine.WithOne,
//     engine.Sum), as DESIGN.md recommends;
//   - interpreted/closures: interpreted code with an interpreted closure for
//     every stage (the closure compiler off), so each record pays the
//     interpreter; BenchmarkRunWordCount has them compiled.
//
// go test -bench WordCount -run ^$ ./repl/session
func BenchmarkWordCount(b *testing.B) {
	b.Run("compiled", func(b *testing.B) {
		ssc := engine.NewStreamingContext("local[2]", "bench", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
		ssc.RateStream(benchLines).FlatMap(strings.Fields).Map(engine.WithOne).ReduceByKey(engine.Sum).ForeachRDD(func(r *engine.RDD) { r.Count() })
		runBatches(b, ssc)
	})
	pipelines := []struct{ name, src string }{
		{"interpreted/compiled-funcs", `ssc.RateStream(n).FlatMap(strings.Fields).Map(engine.WithOne).ReduceByKey(engine.Sum).ForeachRDD(func(r *engine.RDD) { r.Count() })`},
		{"interpreted/closures", `ssc.RateStream(n).
	FlatMap(func(line string) []string { return strings.Fields(line) }).
	Map(func(w string) engine.Pair { return engine.KV(w, 1) }).
	ReduceByKey(func(a, b int) int { return a + b }).
	ForeachRDD(func(r *engine.RDD) { r.Count() })`},
	}
	for _, p := range pipelines {
		b.Run(p.name, func(b *testing.B) {
			defer func(prev bool) { CompileClosures = prev }(CompileClosures)
			CompileClosures = false
			s, err := New(Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			src := "n := " + strconv.Itoa(benchLines) + "\nssc := engine.NewStreamingContext(\"local[2]\", \"bench\", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))\n" + p.src + "\nssc"
			res, err := s.Eval(context.Background(), src)
			if err != nil {
				b.Fatal(err)
			}
			runBatches(b, res.Value.(*engine.StreamingContext))
		})
	}
}

func runBatches(b *testing.B, ssc *engine.StreamingContext) {
	b.Helper()
	if err := ssc.Start(); err != nil {
		b.Fatal(err)
	}
	defer ssc.Stop(false)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := ssc.Advance(engine.Seconds(1)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchLines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// The seed's word count written with ordinary closures, as in the README,
// run by the same interpreted input with the closure compiler off
// (interpreted) and on (session-compiled, the default), against the same
// pipeline built by compiled Go, in the same run. Each iteration runs one
// batch of each, in turn, after a collection of the garbage of the one
// before, so that the ratios are not those of a machine that got busier
// between sub-benchmarks: x-of-compiled is the compiled pipeline's time
// over each one's.
//
// go test -bench RunWordCount -run ^$ ./repl/session
func BenchmarkRunWordCount(b *testing.B) {
	const src = `ssc.RateStream(n).
	FlatMap(func(line string) []string { return strings.Fields(line) }).
	Map(func(w string) engine.Pair { return engine.KV(w, 1) }).
	ReduceByKey(func(a, b int) int { return a + b }).
	ForeachRDD(func(r *engine.RDD) { r.Count() })`
	compiled := engine.NewStreamingContext("local[2]", "bench", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
	compiled.RateStream(benchLines).
		FlatMap(func(line string) []string { return strings.Fields(line) }).
		Map(func(w string) engine.Pair { return engine.KV(w, 1) }).
		ReduceByKey(func(a, b int) int { return a + b }).
		ForeachRDD(func(r *engine.RDD) { r.Count() })
	pipelines := []*engine.StreamingContext{compiled}
	for _, compile := range []bool{false, true} {
		prev := CompileClosures
		CompileClosures = compile
		s, err := New(Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		in := "n := " + strconv.Itoa(benchLines) + "\nssc := engine.NewStreamingContext(\"local[2]\", \"bench\", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))\n" + src + "\nssc"
		res, err := s.Eval(context.Background(), in)
		CompileClosures = prev
		if err != nil {
			b.Fatal(err)
		}
		pipelines = append(pipelines, res.Value.(*engine.StreamingContext))
	}
	for _, ssc := range pipelines {
		if err := ssc.Start(); err != nil {
			b.Fatal(err)
		}
		defer ssc.Stop(false)
	}
	var took [3]time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j, ssc := range pipelines {
			// Each batch starts with the garbage of the one before it
			// collected: the interpreted batch leaves much.
			b.StopTimer()
			runtime.GC()
			b.StartTimer()
			start := time.Now()
			if err := ssc.Advance(engine.Seconds(1)); err != nil {
				b.Fatal(err)
			}
			took[j] += time.Since(start)
		}
	}
	for j, name := range []string{"compiled", "interpreted", "session-compiled"} {
		b.ReportMetric(float64(benchLines)*float64(b.N)/took[j].Seconds(), name+"-lines/s")
		if j > 0 {
			b.ReportMetric(took[0].Seconds()/took[j].Seconds(), name+"-x-of-compiled")
		}
	}
}

// BenchmarkClosureCall: one call of each of the word count's closures,
// interpreted by the session, compiled by the session's closure compiler,
// and compiled by Go.
//
// go test -bench ClosureCall -run ^$ ./repl/session
func BenchmarkClosureCall(b *testing.B) {
	closures := []struct {
		name, lit string
		compiled  any
		call      func(f any)
	}{
		{"fields", `func(line string) []string { return strings.Fields(line) }`,
			func(line string) []string { return strings.Fields(line) },
			func(f any) { benchWords = f.(func(string) []string)("to be or not") }},
		{"pair", `func(w string) engine.Pair { return engine.KV(w, 1) }`,
			func(w string) engine.Pair { return engine.KV(w, 1) },
			func(f any) { benchPair = f.(func(string) engine.Pair)("word") }},
		{"sum", `func(a, b int) int { return a + b }`,
			func(a, b int) int { return a + b },
			func(f any) { benchInt = f.(func(int, int) int)(benchInt, 3) }},
	}
	for _, c := range closures {
		for _, mode := range []string{"interpreted", "session-compiled", "compiled"} {
			b.Run(c.name+"/"+mode, func(b *testing.B) {
				var f any
				switch mode {
				case "interpreted":
					s, err := New(Options{})
					if err != nil {
						b.Fatal(err)
					}
					defer s.Close()
					mustEvalB(b, s, "var f = "+c.lit)
					res, err := s.Eval(context.Background(), "f")
					if err != nil {
						b.Fatal(err)
					}
					f = res.Value
				case "session-compiled":
					v, ok := compileLiteral(b, c.lit)
					if !ok {
						b.Fatal("not compiled")
					}
					f = v.Interface()
				default:
					f = c.compiled
				}
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					c.call(f)
				}
			})
		}
	}
}

var (
	benchPair  engine.Pair
	benchWords []string
	benchInt   int
)

func mustEvalB(b *testing.B, s *Session, src string) {
	b.Helper()
	if _, err := s.Eval(context.Background(), src); err != nil {
		b.Fatal(err)
	}
}
