package engine

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Data-driven operator tests, after pebble's datadriven: every file in
// testdata/*.txt is a script of commands, each followed by "----" and the
// output it must produce; outputs containing blank lines sit between
// "----\n----" and "----\n----". Run with -update to rewrite the expected
// outputs from what the engine prints.
//
// Commands:
//
//	start PIPELINE [ARGS...] [sort] [batch=DUR]
//	    A local[2] context on a manual clock with two queue inputs ("in" and
//	    "in2"), and the named pipeline of ddPipelines printed with Print(100)
//	    (sort: the elements of every printed block sorted, for unordered
//	    results). Construction errors are printed.
//	push [in2] ELEMS...     one batch of ints, strings or k:v pairs (or the
//	                        input lines, one element each); none = empty batch
//	advance DUR             advance the clock; prints what the streams printed
//	                        and the batch error, if any
//	state                   the snapshot of every stateful stream (sorted)
//	stop                    stop the context
//
// Inputs are sliced over 2 partitions, as Parallelize does.

var _ = flag.Bool("update", false, "rewrite the expected outputs of testdata/*.txt (and other golden files)")

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

func TestDataDriven(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/*.txt scripts")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			t.Parallel()
			runScript(t, file)
		})
	}
}

// ddCase is one command of a script and its expected output.
type ddCase struct {
	line     int
	cmd      string   // the command line
	input    []string // lines between the command and ----
	expected string
}

func parseScript(t *testing.T, path string) (cases []ddCase, prefix [][]string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	var pending []string // blank lines and comments before the next command
	for i := 0; i < len(lines); {
		l := lines[i]
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
			pending = append(pending, l)
			i++
			continue
		}
		c := ddCase{line: i + 1, cmd: l}
		i++
		for i < len(lines) && lines[i] != "----" {
			c.input = append(c.input, lines[i])
			i++
		}
		if i == len(lines) {
			t.Fatalf("%s:%d: %q has no ---- line", path, c.line, l)
		}
		i++
		var out []string
		if i < len(lines) && lines[i] == "----" {
			i++
			for i < len(lines) && !(lines[i] == "----" && i+1 < len(lines) && lines[i+1] == "----") {
				out = append(out, lines[i])
				i++
			}
			if i == len(lines) {
				t.Fatalf("%s:%d: output of %q does not end with ----\\n----", path, c.line, l)
			}
			i += 2
		} else {
			for i < len(lines) && lines[i] != "" {
				out = append(out, lines[i])
				i++
			}
		}
		if len(out) > 0 {
			c.expected = strings.Join(out, "\n") + "\n"
		}
		cases = append(cases, c)
		prefix = append(prefix, pending)
		pending = nil
	}
	prefix = append(prefix, pending)
	return cases, prefix
}

func runScript(t *testing.T, path string) { runScriptWith(t, path, nil) }

func runScriptWith(t *testing.T, path string, extra map[string]ScriptPipeline) {
	cases, prefix := parseScript(t, path)
	h := &ddHarness{t: t, extra: extra}
	defer h.stop()
	var rewritten strings.Builder
	for i, c := range cases {
		got := h.run(c)
		if updating() {
			for _, l := range prefix[i] {
				rewritten.WriteString(l + "\n")
			}
			rewritten.WriteString(c.cmd + "\n")
			for _, l := range c.input {
				rewritten.WriteString(l + "\n")
			}
			writeOutput(&rewritten, got)
			continue
		}
		if got != c.expected {
			t.Errorf("%s:%d: %s\ngot:\n%s\nwant:\n%s", path, c.line, c.cmd, got, c.expected)
		}
	}
	if updating() {
		for _, l := range prefix[len(cases)] {
			rewritten.WriteString(l + "\n")
		}
		if err := os.WriteFile(path, []byte(rewritten.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func writeOutput(b *strings.Builder, out string) {
	if strings.Contains(out, "\n\n") || strings.HasPrefix(out, "\n") {
		b.WriteString("----\n----\n" + out + "----\n----\n")
		return
	}
	b.WriteString("----\n" + out)
}

// ddHarness runs one script's commands against a live context.
type ddHarness struct {
	t      *testing.T
	ssc    *StreamingContext
	qs     [2]*Queue
	out    syncBuffer
	sorted bool
	extra  map[string]ScriptPipeline // pipelines beside ddPipelines (RunScripts)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) take() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.b.String()
	s.b.Reset()
	return out
}

func (h *ddHarness) stop() {
	if h.ssc != nil {
		h.ssc.Stop(false)
	}
}

func (h *ddHarness) run(c ddCase) (out string) {
	fields := strings.Fields(c.cmd)
	defer func() {
		if r := recover(); r != nil {
			var e *Error
			if err, ok := r.(error); ok && errors.As(err, &e) {
				out = h.output() + "error: " + e.Error() + "\n"
				return
			}
			panic(r)
		}
	}()
	switch fields[0] {
	case "start":
		h.start(startArgs(c.cmd))
		return h.output()
	case "push":
		h.push(fields[1:], c.input)
		return ""
	case "advance":
		d := h.duration(fields[1])
		err := h.ssc.Advance(d)
		out := h.output()
		if err != nil {
			out += "error: " + err.Error() + "\n"
		}
		return out
	case "state":
		return h.state()
	case "stop":
		h.ssc.Stop(false)
		return h.output()
	}
	h.t.Fatalf("line %d: unknown command %q", c.line, fields[0])
	return ""
}

func (h *ddHarness) duration(s string) time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		h.t.Fatalf("bad duration %q: %v", s, err)
	}
	return d
}

func (h *ddHarness) start(args []string) {
	h.stop()
	batch := time.Second
	var rest []string
	h.sorted = false
	for _, a := range args {
		switch {
		case a == "sort":
			h.sorted = true
		case strings.HasPrefix(a, "batch="):
			batch = h.duration(strings.TrimPrefix(a, "batch="))
		default:
			rest = append(rest, a)
		}
	}
	if len(rest) == 0 {
		h.t.Fatal("start: want a pipeline name")
	}
	build, ok := ddPipelines[rest[0]]
	if f, found := h.extra[rest[0]]; found {
		build, ok = func(c *ddContext) []*DStream { return f(c.h.ssc, c.in, &c.h.out) }, true
	}
	if !ok {
		h.t.Fatalf("start: no pipeline %q", rest[0])
	}
	h.ssc = NewStreamingContext("local[2]", "datadriven", batch, WithManualClock(), WithBatchLog(nil))
	h.ssc.SetOutput(&h.out)
	h.qs = [2]*Queue{NewQueue(), NewQueue()}
	in := []*DStream{h.ssc.QueueStream(h.qs[0], true), h.ssc.QueueStream(h.qs[1], true)}
	c := &ddContext{h: h, in: in, args: rest[1:]}
	for _, s := range build(c) {
		s.Print(100)
	}
	if err := h.ssc.Start(); err != nil {
		panic(err)
	}
}

func (h *ddHarness) push(args, input []string) {
	q := h.qs[0]
	if len(args) > 0 && args[0] == "in2" {
		q, args = h.qs[1], args[1:]
	}
	var elems []any
	for _, a := range args {
		elems = append(elems, parseElem(a))
	}
	for _, l := range input {
		elems = append(elems, l)
	}
	q.Push(elems...)
}

// parseElem reads an int, a k:v Pair (of ints or strings) or a string;
// "_" is the empty string.
func parseElem(s string) any {
	if k, v, ok := strings.Cut(s, ":"); ok {
		return Pair{parseElem(k), parseElem(v)}
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	if s == "_" {
		return ""
	}
	return s
}

// output returns what was printed since the last command, with the elements
// of each block sorted when the script asked for it.
func (h *ddHarness) output() string {
	out := h.out.take()
	if !h.sorted || out == "" {
		return out
	}
	const header = "-------------------------------------------"
	blocks := strings.Split(out, header+"\nTime: ")
	var b strings.Builder
	b.WriteString(blocks[0])
	for _, blk := range blocks[1:] {
		lines := strings.Split(blk, "\n")
		// lines: "N ms", header, elements..., "", ""
		end := len(lines) - 2
		for end > 2 && lines[end] == "" {
			end--
		}
		elems := append([]string(nil), lines[2:end+1]...)
		sort.Strings(elems)
		b.WriteString(header + "\nTime: " + lines[0] + "\n" + lines[1] + "\n")
		for _, e := range elems {
			b.WriteString(e + "\n")
		}
		b.WriteString(strings.Join(lines[end+1:], "\n"))
	}
	return b.String()
}

// state prints the snapshot of every stateful stream, elements sorted.
func (h *ddHarness) state() string {
	var b strings.Builder
	for _, d := range h.ssc.streams {
		t, parts, ok := d.stateSnapshot()
		if !d.isStateful() {
			continue
		}
		if !ok {
			fmt.Fprintf(&b, "%s: no state\n", d.op)
			continue
		}
		var elems []string
		for _, p := range parts {
			for _, x := range p {
				elems = append(elems, Format(x))
			}
		}
		sort.Strings(elems)
		if len(elems) == 0 {
			elems = []string{"(empty)"}
		}
		fmt.Fprintf(&b, "%s at %s: %s\n", d.op, t, strings.Join(elems, " "))
		if times, bparts := d.windowBatches(); len(times) > 0 {
			for i, bt := range times {
				var es []string
				for _, p := range bparts[i] {
					for _, x := range p {
						es = append(es, Format(x))
					}
				}
				sort.Strings(es)
				if len(es) == 0 {
					es = []string{"-"}
				}
				fmt.Fprintf(&b, "  batch %s: %s\n", bt, strings.Join(es, " "))
			}
		}
	}
	return b.String()
}

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
		return one(c.in[0].UpdateStateByKey(func(values []int, state *int) *int {
			s := 0
			if state != nil {
				s = *state
			}
			for _, v := range values {
				s += v
			}
			return &s
		}, InitialState(init), NumTasks(3)))
	},
	"WindowThenState": func(c *ddContext) []*DStream {
		// State over a window sliding every 2s: the state slides with it.
		return one(c.in[0].Window(c.dur(0), c.dur(1)).UpdateStateByKey(func(values []int, state *int) *int {
			s := 0
			if state != nil {
				s = *state
			}
			for _, v := range values {
				s += v
			}
			return &s
		}))
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
