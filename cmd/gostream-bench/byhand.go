package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/gostream/gostream/engine"
)

// reference is a hand-written program for a pipeline, run in the tool's
// process over the same batches.
type reference struct {
	about string
	// run does its work over the batches on workers goroutines and
	// returns the keys it output, summed over the batches.
	run func(batches [][]any, workers int) int
	// counts says run outputs what the pipeline does: the run fails if the
	// two count different keys.
	counts bool
}

// The closures pipeline's user functions: the seed's word count written
// with a closure at every step. Its references call the same ones, so
// they differ from it only in what runs around them.
var (
	splitLine = func(line string) []string { return strings.Fields(line) }
	pairWord  = func(w string) engine.Pair { return engine.KV(w, 1) }
	addCounts = func(a, b int) int { return a + b }
)

var (
	closuresRefs = []reference{
		{"by hand, a map per goroutine", closuresByHand, true},
		{"the functions alone, no table", closuresAlone, false},
	}
	// The shell's closures are compiled by its session; the hand-written
	// count has them compiled by Go.
	shellRefs = closuresRefs[:1]
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
		eachRange(lines, workers, func(w int, lines []any) {
			m := counts[w]
			clear(m)
			for _, line := range lines {
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

// closuresAlone calls the closures pipeline's functions as closuresByHand
// does, for every line and word, and keeps nothing but a sum of the
// values: what the user's code costs with no table around it. It returns
// the number of words.
func closuresAlone(batches [][]any, workers int) int {
	sums := make([]int, workers)
	for _, lines := range batches {
		eachRange(lines, workers, func(w int, lines []any) {
			n := sums[w]
			for _, line := range lines {
				for _, word := range splitLine(line.(string)) {
					p := pairWord(word)
					n = addCounts(n, p.Value.(int))
					_ = p.Key.(string)
				}
			}
			sums[w] = n
		})
	}
	total := 0
	for _, n := range sums {
		total += n
	}
	return total
}

// eachRange cuts lines into workers ranges and runs f on each, on its own
// goroutine, returning when all have.
func eachRange(lines []any, workers int, f func(w int, lines []any)) {
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := len(lines)*w/workers, len(lines)*(w+1)/workers
		wg.Go(func() { f(w, lines[lo:hi]) })
	}
	wg.Wait()
}

// handRun is one pass of a pipeline and of one of its references.
type handRun struct{ engine, hand result }

// refAt names reference i of a pipeline.
type refAt struct {
	pipeline string
	i        int
}

// runReference runs ref over the batches once, on as many goroutines as
// the process has processors.
func runReference(ref *reference, batches [][]any) result {
	runtime.GC()
	var r result
	measure(&r, func() error {
		r.keys = ref.run(batches, runtime.GOMAXPROCS(0))
		return nil
	})
	return r
}

// printReferences prints, for each pipeline run that has references, each
// reference's times and gostream's over them, summed over the passes.
func printReferences(out io.Writer, o *options, hand map[refAt][]handRun, lines int) {
	if len(hand) == 0 {
		return
	}
	fmt.Fprintln(out)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "pipeline\treference (%d goroutines)\ttime\tCPU\tallocs/line\tgostream time\tCPU\tratio\tCPU ratio\t\n", runtime.GOMAXPROCS(0))
	for _, name := range o.names {
		p := findPipeline(name)
		for i := range p.refs {
			runs := hand[refAt{name, i}]
			var e, h result
			for _, r := range runs {
				e.add(r.engine)
				h.add(r.hand)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.2f\t%s\t%s\t%.2fx\t%.2fx\t\n", name, p.refs[i].about,
				secs(h.wall), secs(h.cpu), float64(h.mallocs)/float64(lines*len(runs)), secs(e.wall), secs(e.cpu),
				e.wall.Seconds()/h.wall.Seconds(), e.cpu.Seconds()/h.cpu.Seconds())
		}
	}
	tw.Flush()
	fmt.Fprintln(out, "reference: the closures pipeline's user functions, compiled by Go, called over the same batches without the engine, as many passes, after the pipeline's; ratio: gostream's time over the reference's")
}
