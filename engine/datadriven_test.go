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
