// Command gostream-bench measures gostream's throughput: it runs streaming
// pipelines over a text corpus cut into batches, reports lines per second and
// per-batch delays, and runs the hand-written baseline programs of
// ../shared/bench over the same corpus in the same run to print the ratio of
// gostream's time to theirs.
//
//	gostream-bench [flags] [CORPUS]
//
// Without CORPUS, the corpus of -lines lines is generated with
// ../shared/bench/corpus into the cache directory. The baselines are built
// there once with go build -o.
//
// Pipelines (-pipelines): wordcount (FlatMap(strings.Fields), Map(engine.WithOne),
// ReduceByKey(engine.Sum)), countbyvalue, closures (the word count written
// with user closures) and window (ReduceByKeyAndWindow over 3 batches sliding
// by 1, with Inverse and FilterFunc). For each it prints lines/s, wall and CPU
// time, heap allocations per corpus line (count and bytes), the processing
// time of the batches (median, 95th percentile, maximum),
// the largest scheduling delay, and the baseline's times and the ratios. With
// -interval the context runs on the real clock, so the delays show whether it
// keeps up. -cpuprofile and -memprofile write a profile per pipeline.
//
// The closures pipeline also has a hand-written reference in the tool: the
// same user functions called over the same batches without the engine, on
// a goroutine per processor with a map each (run with or without
// -no-baseline). A second table prints its times and gostream's over them,
// so what the engine adds around the user's code shows apart from what the
// code itself costs; the run fails if the two count different keys.
// docs/performance.md has the figures measured.
package main
