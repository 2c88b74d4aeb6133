package engine

import "github.com/gostream/gostream/engine/internal/source/queue"

// Queue feeds a QueueStream: each Push is one batch's RDD.
type Queue struct {
	q queue.Queue[queued]
}

type queued struct {
	elems []any
	rdd   *RDD
}

// NewQueue returns an empty queue.
func NewQueue() *Queue { return &Queue{} }

// Push adds one RDD made of elems, sliced over the context's default
// parallelism as Parallelize does. Push with no elements adds an empty RDD.
func (q *Queue) Push(elems ...any) { q.q.Push(queued{elems: append([]any(nil), elems...)}) }

// PushRDD adds a prepared RDD.
func (q *Queue) PushRDD(rdd *RDD) {
	if rdd == nil {
		buildErrorf("Queue.PushRDD", "want an *RDD, got nil")
	}
	q.q.Push(queued{rdd: rdd})
}

// Len returns the number of RDDs waiting.
func (q *Queue) Len() int { return q.q.Len() }

// QueueStream(q, oneAtATime, defaultRDD...) returns a stream fed from q:
// with oneAtATime true each batch takes one queued RDD, with false every RDD
// queued so far, unioned. A batch that finds the queue empty is defaultRDD
// when one is given (Spark's queueStream(queue, oneAtATime, defaultRDD)),
// otherwise empty.
func (ssc *StreamingContext) QueueStream(q *Queue, oneAtATime bool, defaultRDD ...*RDD) *DStream {
	if q == nil {
		buildErrorf("QueueStream", "want a *Queue, got nil")
	}
	if len(defaultRDD) > 1 || (len(defaultRDD) == 1 && defaultRDD[0] == nil) {
		buildErrorf("QueueStream", "want at most one default *RDD, got %d (or nil)", len(defaultRDD))
	}
	src := &queueSource{q: q, one: oneAtATime, ssc: ssc}
	if len(defaultRDD) == 1 {
		src.def = defaultRDD[0]
	}
	return ssc.addInput("QueueStream", src)
}

type queueSource struct {
	q   *Queue
	one bool
	ssc *StreamingContext
	def *RDD // the RDD of a batch that finds the queue empty
}

func (s *queueSource) start(*StreamingContext) error { return nil }
func (s *queueSource) stop(bool)                     {}
func (s *queueSource) pending() bool                 { return s.q.Len() > 0 }

func (s *queueSource) allocate(t Time) (*RDD, int) {
	r, n, ok := queue.Batch(&s.q.q, s.one, func(it queued) (*RDD, int) {
		r := it.rdd
		if r == nil {
			r = s.ssc.Parallelize(it.elems)
		}
		r.ready()
		return r, r.Count()
	}, func(rdds []*RDD) *RDD { return unionRDDs(s.ssc.ex, rdds) })
	switch {
	case ok:
		return r, n
	case s.def != nil:
		s.def.ready()
		return s.def, s.def.Count()
	}
	return materialized(s.ssc.ex, "QueueStream", nil), 0
}

// addInput registers an input stream reading from src.
func (ssc *StreamingContext) addInput(op string, src inputSource) *DStream {
	d := ssc.newDStream(op, nil, ssc.batch, nil)
	ssc.mu.Lock()
	ssc.inputs = append(ssc.inputs, &input{d: d, src: src})
	ssc.graph.AddInput(d.node)
	ssc.mu.Unlock()
	return d
}
