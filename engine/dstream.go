package engine

import (
	"fmt"
	"math"
	"time"

	"github.com/gostream/gostream/engine/internal/exec"
	"github.com/gostream/gostream/engine/internal/graph"
	"github.com/gostream/gostream/engine/internal/sink/console"
)

// DStream is a discretized stream: a sequence of RDDs, one per batch (or per
// slide, for windowed streams). Its methods add nodes to the context's graph;
// nothing runs until the context is started.
type DStream struct {
	ssc     *StreamingContext
	op      string
	parents []*DStream
	slide   time.Duration
	compute func(t Time) *RDD

	// windowExtra is how much further back than its own remember duration
	// this stream reads its parents (a window's length).
	windowExtra time.Duration
	level       StorageLevel
	output      func(r *RDD, t Time) // set on output streams
	state       stateHolder          // set on stateful streams (state.go)

	// node is the stream in engine/internal/graph: its remember duration
	// and the RDDs it generated per batch time.
	node      *graph.Node[*RDD]
	computeAt func(t int64) (*RDD, bool) // compute, for node.GetOrCompute
}

func (ssc *StreamingContext) newDStream(op string, parents []*DStream, slide time.Duration, compute func(Time) *RDD) *DStream {
	ssc.mu.Lock()
	defer ssc.mu.Unlock()
	ssc.mustBeInitialized(op)
	for _, p := range parents {
		if p == nil {
			buildErrorf(op, "want a *DStream, got nil")
		}
		if p.ssc != ssc {
			buildErrorf(op, "the DStreams belong to different StreamingContexts")
		}
	}
	nodes := make([]*graph.Node[*RDD], len(parents))
	for i, p := range parents {
		nodes[i] = p.node
	}
	d := &DStream{ssc: ssc, op: op, parents: parents, slide: slide, compute: compute, node: ssc.graph.Add(op, nodes, durMS(slide))}
	d.computeAt = d.computeRDD
	ssc.streams = append(ssc.streams, d)
	return d
}

// Context returns the StreamingContext the stream belongs to.
func (d *DStream) Context() *StreamingContext { return d.ssc }

// SlideDuration returns the interval at which the stream produces RDDs.
func (d *DStream) SlideDuration() time.Duration { return d.slide }

// Name returns the operation that made the stream.
func (d *DStream) Name() string { return d.op }

func (d *DStream) String() string { return fmt.Sprintf("DStream(%s, slide %v)", d.op, d.slide) }

func (d *DStream) validTime(t Time) bool { return d.node.Valid(int64(t)) }

// zeroTime is the time before the stream's first batch, set at Start.
func (d *DStream) zeroTime() Time { return Time(d.node.Zero) }

// getOrCompute returns the stream's RDD at t, computing it at most once;
// nil when the stream has no RDD at t.
func (d *DStream) getOrCompute(t Time) *RDD {
	r, _ := d.node.GetOrCompute(int64(t), d.computeAt)
	return r
}

// computeRDD computes the stream's RDD at t, persisted at its level.
func (d *DStream) computeRDD(ms int64) (*RDD, bool) {
	t := Time(ms)
	if d.compute == nil {
		return nil, false
	}
	if cm := d.ssc.ex.cluster; cm != nil {
		// The shuffles this compute makes are named after d.
		defer cm.Leave(cm.Enter(d.ssc.graph.Index(d.node)))
	}
	r := d.compute(t)
	if r == nil {
		return nil, false
	}
	if r.time == 0 {
		r.time = t
	}
	if d.level != None {
		r.Persist(d.level)
	}
	return r, true
}

// release drops what d holds once its context is stopped: its state and
// the functions that compute new batches (see releaseLocked). The RDDs it
// remembers stay: as in Spark, a stopped context's streams still answer
// Slice with them.
func (d *DStream) release() {
	d.compute, d.output, d.state = nil, nil, nil
}

func (d *DStream) put(t Time, r *RDD) { d.node.Put(int64(t), r) }

func (d *DStream) runJob(t Time) (err error) {
	if !d.validTime(t) {
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			e := asTaskError(d.op, r)
			if e.Time == 0 {
				e.Time = t
			}
			err = e
		}
	}()
	r := d.parents[0].getOrCompute(t)
	if r == nil {
		return nil
	}
	d.output(r, t)
	return nil
}

// derive adds a stream with d's slide whose RDD at t is f of d's RDD at t.
func (d *DStream) derive(op string, f func(r *RDD, t Time) *RDD) *DStream {
	return d.ssc.newDStream(op, []*DStream{d}, d.slide, func(t Time) *RDD {
		r := d.getOrCompute(t)
		if r == nil {
			return nil
		}
		return f(r, t)
	})
}

// Map applies f, a func(T) U, to every element.
func (d *DStream) Map(f any) *DStream {
	g := unary("Map", f)
	return d.derive("Map", func(r *RDD, _ Time) *RDD { return r.mapAdapted(g, f) })
}

// FlatMap applies f, a func(T) []U, and flattens the results.
func (d *DStream) FlatMap(f any) *DStream {
	g := expander("FlatMap", f)
	return d.derive("FlatMap", func(r *RDD, _ Time) *RDD { return r.flatMapAdapted(g, f) })
}

// Filter keeps the elements for which f, a func(T) bool, returns true.
func (d *DStream) Filter(f any) *DStream {
	g := predicate("Filter", f)
	return d.derive("Filter", func(r *RDD, _ Time) *RDD { return r.filterAdapted(g, f) })
}

// MapPartitions applies f, a func([]T) []U, to each partition.
func (d *DStream) MapPartitions(f any) *DStream {
	g := partitionFunc("MapPartitions", f)
	return d.derive("MapPartitions", func(r *RDD, _ Time) *RDD { return r.mapPartitionsAdapted(g) })
}

// Glom turns each partition into a single []any element.
func (d *DStream) Glom() *DStream {
	return d.derive("Glom", func(r *RDD, _ Time) *RDD { return r.Glom() })
}

// Repartition spreads every RDD over n partitions.
func (d *DStream) Repartition(n int) *DStream {
	if n <= 0 {
		buildErrorf("Repartition", "want a positive number of partitions, got %d", n)
	}
	return d.derive("Repartition", func(r *RDD, _ Time) *RDD { return r.Repartition(n) })
}

// Union returns a stream of the elements of d and others.
func (d *DStream) Union(others ...*DStream) *DStream {
	return d.ssc.Union(append([]*DStream{d}, others...)...)
}

// Union returns a stream of the elements of all streams, which must have the
// same slide duration.
func (ssc *StreamingContext) Union(streams ...*DStream) *DStream {
	const op = "Union"
	if len(streams) == 0 {
		buildErrorf(op, "want at least one DStream, got none")
	}
	for _, s := range streams {
		if s == nil {
			buildErrorf(op, "want a *DStream, got nil")
		}
		if err := graph.SameSlide(streams[0].node, s.node); err != nil {
			buildErrorf(op, "%v", err)
		}
	}
	all := append([]*DStream(nil), streams...)
	return ssc.newDStream(op, all, all[0].slide, func(t Time) *RDD {
		var rdds []*RDD
		for _, s := range all {
			r := s.getOrCompute(t)
			if r == nil {
				panic(taskFailure{&Error{Op: op, Time: t, Msg: fmt.Sprintf("input %s has no RDD at this time", s.op)}})
			}
			rdds = append(rdds, r)
		}
		return unionRDDs(ssc.ex, rdds)
	})
}

// Count returns a stream of one-element RDDs: the number of elements of each
// batch (0 for an empty batch).
func (d *DStream) Count() *DStream {
	return d.derive("Count", func(r *RDD, t Time) *RDD { return countRDD(r) })
}

func countRDD(r *RDD) *RDD {
	return r.materializedBy("Count", 1, r.d.CountOne(r.tasks("Count")))
}

// Reduce returns a stream of one-element RDDs: the elements of each batch
// combined with f, a func(a, b T) T (empty when the batch is).
func (d *DStream) Reduce(f any) *DStream {
	rd := newReducer("Reduce", f)
	return d.derive("Reduce", func(r *RDD, t Time) *RDD { return reduceRDD("Reduce", r, rd) })
}

func reduceRDD(op string, r *RDD, rd reducer) *RDD {
	return r.materializedBy(op, 1, r.d.ReduceOne(r.tasks(op), rd.f, userFailure(op)))
}

// CountByValue returns a stream of (value,count) pairs for each batch.
func (d *DStream) CountByValue(opts ...OpOption) *DStream {
	n := d.ssc.ex.opOptions("CountByValue", opts).numTasks
	return d.derive("CountByValue", func(r *RDD, _ Time) *RDD { return r.countByValue(n) })
}

// Transform applies f, a func(*RDD) *RDD or func(*RDD, Time) *RDD, to the
// RDD of every batch.
func (d *DStream) Transform(f any) *DStream {
	g := transformFunc("Transform", f)
	return d.derive("Transform", func(r *RDD, t Time) *RDD { return callTransform("Transform", t, func() *RDD { return g(r, t) }) })
}

func transformFunc(op string, f any) func(*RDD, Time) *RDD {
	g, ok := exec.Transform[*RDD, Time](f)
	if !ok {
		buildErrorf(op, "want a func(*engine.RDD) *engine.RDD or func(*engine.RDD, engine.Time) *engine.RDD, got %s", describeFunc(f))
	}
	return g
}

// callTransform calls f, the user's function of a transform at t, and
// fails the batch when it panics or returns no RDD.
func callTransform(op string, t Time, f func() *RDD) (out *RDD) {
	defer func() {
		if r := recover(); r != nil {
			failRDDFunc(op, r)
		}
	}()
	out = f()
	if out == nil {
		panic(taskFailure{&Error{Op: op, Time: t, Msg: nilRDDMsg}})
	}
	return out.at(t)
}

// TransformWith applies f, a func(*RDD, *RDD) *RDD (or with a trailing
// Time), to the RDDs of d and other at every batch.
func (d *DStream) TransformWith(other *DStream, f any) *DStream {
	const op = "TransformWith"
	g, ok := exec.Transform2[*RDD, Time](f)
	if !ok {
		buildErrorf(op, "want a func(*engine.RDD, *engine.RDD) *engine.RDD, got %s", describeFunc(f))
	}
	return d.binary(op, other, func(a, b *RDD, t Time) *RDD {
		return callTransform(op, t, func() *RDD { return g(a, b, t) })
	})
}

// pair operations

// ReduceByKey merges the values of each key with f, a func(a, b V) V.
func (d *DStream) ReduceByKey(f any, opts ...OpOption) *DStream {
	rd := newReducer("ReduceByKey", f)
	n := d.ssc.ex.opOptions("ReduceByKey", opts).numTasks
	return d.derive("ReduceByKey", func(r *RDD, _ Time) *RDD { return r.reduceByKey(rd, n) })
}

// GroupByKey groups the values of each key: (k, []any).
func (d *DStream) GroupByKey(opts ...OpOption) *DStream {
	n := d.ssc.ex.opOptions("GroupByKey", opts).numTasks
	return d.derive("GroupByKey", func(r *RDD, _ Time) *RDD { return r.groupByKey(n) })
}

// MapValues applies f, a func(V) W, to the value of every pair.
func (d *DStream) MapValues(f any) *DStream {
	g := unary("MapValues", f)
	return d.derive("MapValues", func(r *RDD, _ Time) *RDD { return r.mapValues(g) })
}

// FlatMapValues applies f, a func(V) []W, to every value.
func (d *DStream) FlatMapValues(f any) *DStream {
	g := expander("FlatMapValues", f)
	return d.derive("FlatMapValues", func(r *RDD, _ Time) *RDD { return r.flatMapValues(g) })
}

// binary adds a stream with d's slide whose RDD at t is f of d's and
// other's RDDs at t; other must have the same slide.
func (d *DStream) binary(op string, other *DStream, f func(a, b *RDD, t Time) *RDD) *DStream {
	if other == nil {
		buildErrorf(op, "want a *DStream, got nil")
	}
	if err := graph.SameSlide(d.node, other.node); err != nil {
		buildErrorf(op, "%v", err)
	}
	return d.ssc.newDStream(op, []*DStream{d, other}, d.slide, func(t Time) *RDD {
		a, b := d.getOrCompute(t), other.getOrCompute(t)
		if a == nil || b == nil {
			return nil
		}
		return f(a, b, t)
	})
}

// Join joins two pair streams batch by batch: (k, (v, w)).
func (d *DStream) Join(other *DStream, opts ...OpOption) *DStream {
	d.ssc.ex.opOptions("Join", opts)
	return d.binary("Join", other, func(a, b *RDD, _ Time) *RDD { return a.Join(b, opts...) })
}

// LeftOuterJoin is Join keeping left keys without a match, with a nil right value.
func (d *DStream) LeftOuterJoin(other *DStream, opts ...OpOption) *DStream {
	d.ssc.ex.opOptions("LeftOuterJoin", opts)
	return d.binary("LeftOuterJoin", other, func(a, b *RDD, _ Time) *RDD { return a.LeftOuterJoin(b, opts...) })
}

// RightOuterJoin is Join keeping right keys without a match, with a nil left value.
func (d *DStream) RightOuterJoin(other *DStream, opts ...OpOption) *DStream {
	d.ssc.ex.opOptions("RightOuterJoin", opts)
	return d.binary("RightOuterJoin", other, func(a, b *RDD, _ Time) *RDD { return a.RightOuterJoin(b, opts...) })
}

// FullOuterJoin is Join keeping keys of either side, nil for the missing value.
func (d *DStream) FullOuterJoin(other *DStream, opts ...OpOption) *DStream {
	d.ssc.ex.opOptions("FullOuterJoin", opts)
	return d.binary("FullOuterJoin", other, func(a, b *RDD, _ Time) *RDD { return a.FullOuterJoin(b, opts...) })
}

// Cogroup groups both streams by key, batch by batch: (k, ([]v, []w)).
func (d *DStream) Cogroup(other *DStream, opts ...OpOption) *DStream {
	d.ssc.ex.opOptions("Cogroup", opts)
	return d.binary("Cogroup", other, func(a, b *RDD, _ Time) *RDD { return a.Cogroup(b, opts...) })
}

// persistence

// Persist keeps every RDD of the stream once computed (MemoryOnlySer by
// default, as Spark's DStreams).
func (d *DStream) Persist(level ...StorageLevel) *DStream {
	d.ssc.mu.Lock()
	defer d.ssc.mu.Unlock()
	d.ssc.mustBeInitialized("Persist")
	d.level = MemoryOnlySer
	if len(level) > 0 {
		d.level = level[0]
	}
	return d
}

// Cache is Persist(MemoryOnlySer), as Spark's DStream.cache.
func (d *DStream) Cache() *DStream { return d.Persist() }

// StorageLevel returns the level set by Persist (None if not persisted).
func (d *DStream) StorageLevel() StorageLevel { return d.level }

// Checkpoint sets the interval at which the stream's state is checkpointed.
func (d *DStream) Checkpoint(interval time.Duration) *DStream {
	d.ssc.mu.Lock()
	defer d.ssc.mu.Unlock()
	d.ssc.mustBeInitialized("Checkpoint")
	if interval <= 0 || !Time(durMS(interval)).IsMultipleOf(d.slide) {
		buildErrorf("Checkpoint", "interval %v must be a positive multiple of the slide duration %v", interval, d.slide)
	}
	d.node.Checkpoint = durMS(interval)
	if d.level == None {
		d.level = MemoryOnlySer
	}
	return d
}

// Slice returns the RDDs the stream has (or can compute) for the batch times
// in [from, to]. It needs a context that has been started; after Stop it
// still returns what the stream remembers.
func (d *DStream) Slice(from, to Time) []*RDD {
	const op = "Slice"
	d.ssc.mu.Lock()
	started := d.ssc.started
	d.ssc.mu.Unlock()
	if !started {
		buildErrorf(op, "the context is not started")
	}
	if err := d.node.CheckSlice(int64(from), int64(to)); err != nil {
		buildErrorf(op, "%v", err)
	}
	return d.node.Slice(int64(from), int64(to), func(t int64) (*RDD, bool) {
		r := d.getOrCompute(Time(t))
		return r, r != nil
	})
}

// output operations

func (d *DStream) addOutput(op string, f func(r *RDD, t Time)) {
	o := d.ssc.newDStream(op, []*DStream{d}, d.slide, nil)
	o.output = f
	d.ssc.mu.Lock()
	d.ssc.outputs = append(d.ssc.outputs, o)
	d.ssc.graph.AddOutput(o.node)
	d.ssc.mu.Unlock()
}

// Print prints the first num elements (default 10) of every RDD, in Spark's
// format, with a line "..." when there are more.
func (d *DStream) Print(num ...int) {
	n, err := console.Count(num)
	if err != nil {
		buildErrorf("Print", "%v", err)
	}
	d.addOutput("Print", func(r *RDD, t Time) {
		d.ssc.out.Write(console.Batch(t.String(), r.Take(min(n, math.MaxInt-1)+1), n, d.ssc.format))
	})
}

// ForeachRDD calls f, a func(*RDD) or func(*RDD, Time), with every RDD.
func (d *DStream) ForeachRDD(f any) {
	const op = "ForeachRDD"
	g, ok := exec.Foreach[*RDD, Time](f)
	if !ok {
		buildErrorf(op, "want a func(*engine.RDD) or func(*engine.RDD, engine.Time), got %s", describeFunc(f))
	}
	d.addOutput(op, func(r *RDD, t Time) {
		defer func() {
			if rec := recover(); rec != nil {
				failRDDFunc(op, rec)
			}
		}()
		g(r, t)
	})
}
