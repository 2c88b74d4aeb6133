package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/gostream/gostream/engine"
)

// The closures pipeline's user functions: the seed's word count written
// with a closure at every step. Its hand-written reference calls the same
// ones, so the two differ only in what runs around them.
var (
	splitLine = func(line string) []string { return strings.Fields(line) }
	pairWord  = func(w string) engine.Pair { return engine.KV(w, 1) }
	addCounts = func(a, b int) int { return a + b }
)

// closuresByHand is the closures pipeline written by hand: each batch's
// lines are cut into one range per worker, each range's words counted into
// the worker's own map with splitLine, pairWord and addCounts, and the maps
// merged with addCounts, as wordcount -p N does for a whole file. The maps
// are cleared, not made anew, between batches. It returns the distinct
// words summed over the batches.
func closuresByHand(batches [][]any, workers int) int {
	counts := make([]map[string]int, workers)
	for w := range counts {
		counts[w] = make(map[string]int)
	}
	keys := 0
	for _, lines := range batches {
		var wg sync.WaitGroup
		for w, m := range counts {
			lo, hi := len(lines)*w/workers, len(lines)*(w+1)/workers
			wg.Go(func() {
				clear(m)
				for _, line := range lines[lo:hi] {
					for _, word := range splitLine(line.(string)) {
						p := pairWord(word)
						k, v := p.Key.(string), p.Value.(int)
						if acc, ok := m[k]; ok {
							v = addCounts(acc, v)
						}
						m[k] = v
					}
				}
			})
		}
		wg.Wait()
		total := counts[0]
		for _, m := range counts[1:] {
			for k, v := range m {
				if acc, ok := total[k]; ok {
					v = addCounts(acc, v)
				}
				total[k] = v
			}
		}
		keys += len(total)
	}
	return keys
}

// handRun is one pass of a pipeline and of its hand-written reference.
type handRun struct{ engine, hand result }

// runByHand runs p's hand-written reference over the batches once, on as
// many goroutines as the process has processors.
func runByHand(p *pipeline, batches [][]any) result {
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	start, startCPU := time.Now(), cpuTime()
	keys := p.byHand(batches, runtime.GOMAXPROCS(0))
	r := result{wall: time.Since(start), cpu: cpuTime() - startCPU, keys: keys}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	r.mallocs, r.bytes = after.Mallocs-before.Mallocs, after.TotalAlloc-before.TotalAlloc
	return r
}

// printByHand prints, for each pipeline with a hand-written reference, the
// reference's times and gostream's over them, summed over the passes.
func printByHand(out io.Writer, o *options, hand map[string][]handRun, lines int) {
	if len(hand) == 0 {
		return
	}
	fmt.Fprintln(out)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "pipeline\tby hand, same functions\ttime\tCPU\tallocs/line\tgostream time\tCPU\tratio\tCPU ratio\t")
	for _, name := range o.names {
		runs, ok := hand[name]
		if !ok {
			continue
		}
		var e, h result
		for _, r := range runs {
			e.add(r.engine)
			h.add(r.hand)
		}
		fmt.Fprintf(tw, "%s\t%d goroutines, a map each\t%s\t%s\t%.2f\t%s\t%s\t%.2fx\t%.2fx\t\n", name, runtime.GOMAXPROCS(0),
			secs(h.wall), secs(h.cpu), float64(h.mallocs)/float64(lines*len(runs)), secs(e.wall), secs(e.cpu),
			e.wall.Seconds()/h.wall.Seconds(), e.cpu.Seconds()/h.cpu.Seconds())
	}
	tw.Flush()
	fmt.Fprintln(out, "by hand: the pipeline's work written without the engine, calling the same user functions over the same batches, measured alternately; ratio: gostream's time over it")
}
