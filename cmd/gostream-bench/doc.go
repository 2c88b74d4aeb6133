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
// with user closures, compiled by Go), shell (the same closures typed into
// a shell session, which compiles them; the session is made once, before
// the pipeline's first pass) and window (ReduceByKeyAndWindow over 3
// batches sliding by 1, with Inverse and FilterFunc). For each it prints lines/s, wall and CPU
// time, heap allocations per corpus line (count and bytes), the processing
// time of the batches (median, 95th percentile, maximum),
// the largest scheduling delay, and the baseline's times and the ratios. With
// -interval the context runs on the real clock, so the delays show whether it
// keeps up. -cpuprofile and -memprofile write a profile per pipeline.
//
// The closures pipeline also has two references in the tool, calling the
// very same user functions over the same batches without the engine, on a
// goroutine per processor: the pipeline written by hand with a Go map per
// goroutine, and the functions alone with no table (the shell pipeline has
// the first). They run after the pipeline's passes, as many times (with or
// without -no-baseline, outside the profiles), and a second table prints
// their times and gostream's over them, so what the engine adds around the
// user's code shows apart from what the code itself costs. The run fails if
// the hand-written pipeline and gostream count different keys.
package main
