package session

import (
	"context"
	"strconv"
	"strings"
	"testing"

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
//     every stage, so each record pays the interpreter.
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
// (interpreted) and on (session-compiled), against the same pipeline
// built by compiled Go, in the same run:
//
// go test -bench RunWordCount -run ^$ ./repl/session
func BenchmarkRunWordCount(b *testing.B) {
	const src = `ssc.RateStream(n).
	FlatMap(func(line string) []string { return strings.Fields(line) }).
	Map(func(w string) engine.Pair { return engine.KV(w, 1) }).
	ReduceByKey(func(a, b int) int { return a + b }).
	ForeachRDD(func(r *engine.RDD) { r.Count() })`
	b.Run("compiled", func(b *testing.B) {
		ssc := engine.NewStreamingContext("local[2]", "bench", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
		ssc.RateStream(benchLines).
			FlatMap(func(line string) []string { return strings.Fields(line) }).
			Map(func(w string) engine.Pair { return engine.KV(w, 1) }).
			ReduceByKey(func(a, b int) int { return a + b }).
			ForeachRDD(func(r *engine.RDD) { r.Count() })
		runBatches(b, ssc)
	})
	for _, mode := range []struct {
		name    string
		compile bool
	}{{"interpreted", false}, {"session-compiled", true}} {
		b.Run(mode.name, func(b *testing.B) {
			defer func(prev bool) { CompileClosures = prev }(CompileClosures)
			CompileClosures = mode.compile
			s, err := New(Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			in := "n := " + strconv.Itoa(benchLines) + "\nssc := engine.NewStreamingContext(\"local[2]\", \"bench\", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))\n" + src + "\nssc"
			res, err := s.Eval(context.Background(), in)
			if err != nil {
				b.Fatal(err)
			}
			runBatches(b, res.Value.(*engine.StreamingContext))
		})
	}
}

// BenchmarkClosureCall: one call of the word count's pair function,
// func(w string) engine.Pair { return engine.KV(w, 1) }, interpreted by
// the session, compiled by the session's closure compiler, and compiled by
// Go.
func BenchmarkClosureCall(b *testing.B) {
	const lit = `func(w string) engine.Pair { return engine.KV(w, 1) }`
	for _, c := range []struct {
		name string
		f    func(b *testing.B) func(string) engine.Pair
	}{
		{"interpreted", func(b *testing.B) func(string) engine.Pair {
			s, err := New(Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			mustEvalB(b, s, "var f = "+lit)
			res, err := s.Eval(context.Background(), "f")
			if err != nil {
				b.Fatal(err)
			}
			return res.Value.(func(string) engine.Pair)
		}},
		{"session-compiled", func(b *testing.B) func(string) engine.Pair {
			f, ok := compileLiteral(b, lit)
			if !ok {
				b.Fatal("not compiled")
			}
			return f.Interface().(func(string) engine.Pair)
		}},
		{"compiled", func(*testing.B) func(string) engine.Pair {
			return func(w string) engine.Pair { return engine.KV(w, 1) }
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			f := c.f(b)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				benchPair = f("word")
			}
		})
	}
}

var benchPair engine.Pair

func mustEvalB(b *testing.B, s *Session, src string) {
	b.Helper()
	if _, err := s.Eval(context.Background(), src); err != nil {
		b.Fatal(err)
	}
}
