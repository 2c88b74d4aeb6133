package graph

import (
	"sync"
	"time"

	"github.com/gostream/gostream/engine/internal/checkpoint"
)

// Graph is the streams of one context, in the order they were made, with
// its inputs and outputs among them.
type Graph[R any] struct {
	mu      sync.Mutex
	nodes   []*Node[R]
	index   map[*Node[R]]int
	inputs  []*Node[R]
	outputs []*Node[R]
}

// New returns an empty graph.
func New[R any]() *Graph[R] { return &Graph[R]{index: map[*Node[R]]int{}} }

// Add adds a stream made by op from parents, with an RDD every slide ms.
func (g *Graph[R]) Add(op string, parents []*Node[R], slide int64) *Node[R] {
	n := &Node[R]{Op: op, Parents: parents, Slide: slide, generated: map[int64]R{}}
	g.mu.Lock()
	g.index[n] = len(g.nodes)
	g.nodes = append(g.nodes, n)
	g.mu.Unlock()
	return n
}

// AddInput marks n as the graph's next input stream.
func (g *Graph[R]) AddInput(n *Node[R]) {
	g.mu.Lock()
	g.inputs = append(g.inputs, n)
	g.mu.Unlock()
}

// AddOutput marks n as the graph's next output stream.
func (g *Graph[R]) AddOutput(n *Node[R]) {
	g.mu.Lock()
	g.outputs = append(g.outputs, n)
	g.mu.Unlock()
}

// Nodes returns the streams in the order they were made.
func (g *Graph[R]) Nodes() []*Node[R] {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]*Node[R](nil), g.nodes...)
}

// Index returns n's index in the order the streams were made; -1 for a
// stream of another graph.
func (g *Graph[R]) Index(n *Node[R]) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if i, ok := g.index[n]; ok {
		return i
	}
	return -1
}

// InputID returns n's number among the input streams; -1 when n is not
// one.
func (g *Graph[R]) InputID(n *Node[R]) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i, in := range g.inputs {
		if in == n {
			return i
		}
	}
	return -1
}

// Prepare readies the graph for its first batch after zero, as Spark's
// DStreamGraph.start: every stream's zero time, then the remember
// durations: at least the slide (twice the checkpoint interval of a
// stream that checkpoints every slide), remember for the outputs and, up
// the graph, as long as each stream's children read back.
func (g *Graph[R]) Prepare(zero, remember int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, n := range g.nodes {
		n.Zero = zero
	}
	for _, o := range g.outputs {
		o.initialize()
	}
	for _, o := range g.outputs {
		o.rememberFor(remember)
	}
}

// Clear forgets, after batch t, the RDDs older than the remember durations
// of the streams the outputs read, handing each to drop.
func (g *Graph[R]) Clear(t int64, drop func(R)) {
	g.mu.Lock()
	outputs := append([]*Node[R](nil), g.outputs...)
	g.mu.Unlock()
	for _, o := range outputs {
		o.clear(t, drop)
	}
}

// Stateful returns the indexes of the stateful streams, in order.
func (g *Graph[R]) Stateful() []int {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []int
	for i, n := range g.nodes {
		if n.Stateful {
			out = append(out, i)
		}
	}
	return out
}

// CheckpointInputs describes the input streams, in input order, as the
// checkpoint's metadata records them, and how far back each one looks (ms,
// once Prepared).
func (g *Graph[R]) CheckpointInputs() (inputs []checkpoint.Input, remember []int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, n := range g.inputs {
		inputs = append(inputs, checkpoint.Input{Stream: g.index[n], Op: n.Op})
		remember = append(remember, n.Remember)
	}
	return inputs, remember
}

// Describe describes every stream, in the order they were made, for the
// checkpoint's fingerprint and state interval.
func (g *Graph[R]) Describe() []checkpoint.Stream {
	g.mu.Lock()
	defer g.mu.Unlock()
	input, output := map[*Node[R]]bool{}, map[*Node[R]]bool{}
	for _, n := range g.inputs {
		input[n] = true
	}
	for _, n := range g.outputs {
		output[n] = true
	}
	out := make([]checkpoint.Stream, len(g.nodes))
	for i, n := range g.nodes {
		out[i] = checkpoint.Stream{
			Op: n.Op, Input: input[n], Output: output[n], Slide: ms(n.Slide), Window: ms(n.Window),
			Stateful: n.Stateful, Checkpoint: ms(n.Checkpoint),
		}
		for _, p := range n.Parents {
			out[i].Parents = append(out[i].Parents, g.index[p])
		}
	}
	return out
}

func ms(n int64) time.Duration { return time.Duration(n) * time.Millisecond }
