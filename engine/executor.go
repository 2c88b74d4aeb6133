package engine

import (
	"fmt"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/gostream/gostream/engine/internal/exec"
	"github.com/gostream/gostream/engine/internal/rdd"
)

// executor runs tasks for one StreamingContext on at most parallelism
// goroutines at a time: the local[N] workers (engine/internal/exec).
type executor struct {
	parallelism int
	pool        *exec.Pool
	env         *rdd.Env       // what its RDDs share: the codec of serialized storage
	cluster     *clusterMember // a member of a cluster job: shuffles go through Kafka (cluster_shuffle.go)
}

func newExecutor(n int) *executor {
	ex := &executor{parallelism: n, pool: exec.NewPool(n)}
	ex.env = &rdd.Env{Codec: blocks, Parallel: func() bool { return ex.parallelism >= 2 }}
	return ex
}

// run runs task(0..n-1) in parallel and panics with the *Error of the first
// task that failed, naming op and the batch time: what a user who calls an
// action directly sees, and what a batch's job recovers. Callers never nest
// run inside a task.
func (ex *executor) run(op string, t Time, n int, task func(p int)) {
	failed := ex.pool.Run(n, task, func(r any) any { return asTaskError(op, r) })
	if failed != nil {
		first := failed.(*Error)
		if first.Time == 0 {
			first.Time = t
		}
		panic(first)
	}
}

// asTaskError turns a recovered panic into the *Error that fails the batch.
func asTaskError(op string, r any) *Error {
	switch x := r.(type) {
	case taskFailure:
		return x.err
	case *Error:
		return x
	}
	var err error
	if e, ok := r.(error); ok {
		err = e
	}
	return &Error{Op: op, Msg: fmt.Sprintf("panic: %v\n%s", r, debug.Stack()), Err: err}
}

// OpOption is an optional parameter of an operator: NumTasks, Inverse,
// FilterFunc, InitialState.
type OpOption func(*opOptions)

type opOptions struct {
	numTasks     int
	inverse      any
	filter       any
	initialState *RDD
	ordering     any      // Ordering's less func (rdd_order.go)
	given        []string // the options set, by name
}

// NumTasks sets the number of partitions (reduce tasks) of a shuffle; the
// default is N of local[N].
func NumTasks(n int) OpOption {
	return func(o *opOptions) { o.numTasks = n; o.given = append(o.given, "NumTasks") }
}

// Inverse gives ReduceByKeyAndWindow (or ReduceByWindow) the inverse of its
// reduce function, so each window is computed incrementally from the
// previous one.
func Inverse(f any) OpOption {
	return func(o *opOptions) { o.inverse = f; o.given = append(o.given, "Inverse") }
}

// FilterFunc gives ReduceByKeyAndWindow (or ReduceByWindow with Inverse) a
// func(engine.Pair) bool that keeps the pairs it returns true for (for
// example, to drop zero counts).
func FilterFunc(f any) OpOption {
	return func(o *opOptions) { o.filter = f; o.given = append(o.given, "FilterFunc") }
}

// InitialState gives UpdateStateByKey its starting state: an RDD of (k, state) pairs.
func InitialState(rdd *RDD) OpOption {
	return func(o *opOptions) { o.initialState = rdd; o.given = append(o.given, "InitialState") }
}

// opOptions applies opts for op, which takes the options named in allowed
// (NumTasks alone when none are named); any other option panics with
// *Error rather than being ignored.
func (ex *executor) opOptions(op string, opts []OpOption, allowed ...string) opOptions {
	if len(allowed) == 0 {
		allowed = []string{"NumTasks"}
	}
	var o opOptions
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	for _, name := range o.given {
		if !slices.Contains(allowed, name) {
			buildErrorf(op, "option %s does not apply here; %s takes %s", name, op, strings.Join(allowed, ", "))
		}
	}
	if o.numTasks < 0 {
		buildErrorf(op, "NumTasks must be positive, got %d", o.numTasks)
	}
	if o.numTasks == 0 {
		o.numTasks = ex.parallelism
	}
	return o
}
