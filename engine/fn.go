package engine

import (
	"fmt"
	"reflect"

	"github.com/gostream/gostream/engine/internal/exec"
	"github.com/gostream/gostream/engine/internal/rdd"
)

// This file turns the typed funcs users pass into the engine's untyped
// forms, through engine/internal/exec's Adapter (common shapes called
// directly, others by reflection), once, when the graph is built; and holds
// the engine's own reductions (Sum, Diff, ...).

// adapt is the engine's function adapter (engine/internal/exec).
var adapt = exec.Adapter[Pair, Time]{PairName: "engine.Pair", Elem: failElem, Shape: buildErrorf,
	Key: func(op string, key, r any) { guardKey(op, key, "", r) }}

// argValue converts element x to a reflect.Value for a parameter of type in.
func argValue(op string, x any, in reflect.Type) reflect.Value { return adapt.Arg(op, x, in) }

// unary adapts f, a func(T) U, to func(any) any.
func unary(op string, f any) func(any) any { return adapt.Unary(op, f) }

// predicate adapts f, a func(T) bool.
func predicate(op string, f any) func(any) bool { return adapt.Predicate(op, f) }

// expander adapts f, a func(T) []U, to a func that emits each result.
func expander(op string, f any) func(any, func(any)) { return adapt.Expander(op, f) }

// partitionFunc adapts f, a func([]T) []U.
func partitionFunc(op string, f any) func([]any) []any { return adapt.PartitionFunc(op, f) }

// reducer adapts f, a func(V, V) V. intFn is set when f is func(int, int) int,
// so callers can keep int accumulators unboxed.
type reducer struct {
	f     func(a, b any) any
	intFn func(a, b int) int
	sum   bool // intFn is Sum
}

func newReducer(op string, f any) reducer {
	r := adapt.Reducer(op, f)
	return reducer{f: r.F, intFn: r.IntFn, sum: r.IntFn != nil && rdd.SameFunc(r.IntFn, Sum)}
}

// guard runs body and turns a panic of user code into a task failure naming op
// and the element being processed.
func guard(op string, x any, r any) {
	if r != nil {
		failUser(op, r, x)
	}
}

// userFailure is guard's failure of op, for internal packages that recover
// a user function's panic themselves and pass it with the element.
func userFailure(op string) func(r, x any) { return func(r, x any) { failUser(op, r, x) } }

// guardKey is guard for functions called per key (state updates): the
// failure names the key, its type and detail.
func guardKey(op string, key any, detail string, r any) {
	if r != nil {
		failWith(op, r, fmt.Sprintf("function panicked on key %s of type %s%s", Format(key), typeName(key), detail))
	}
}

// Sum adds two ints; pass it to ReduceByKey and friends for a compiled
// reduction: words.Map(engine.WithOne).ReduceByKey(engine.Sum).
func Sum(a, b int) int { return a + b }

// Diff subtracts b from a; the inverse of Sum for ReduceByKeyAndWindow.
func Diff(a, b int) int { return a - b }

// SumFloat adds two float64s.
func SumFloat(a, b float64) float64 { return a + b }

// Max returns the larger of two ints.
func Max(a, b int) int { return max(a, b) }

// Min returns the smaller of two ints.
func Min(a, b int) int { return min(a, b) }

// WithOne pairs x with the count 1: (x,1).
func WithOne(x any) Pair { return Pair{x, 1} }

// Identity returns x; handy for FlatMap over streams of slices.
func Identity(x any) any { return x }

// Swap turns (k,v) into (v,k).
func Swap(p Pair) Pair { return Pair{p.Value, p.Key} }

func describeFunc(f any) string {
	if f == nil {
		return "nil"
	}
	return fmt.Sprint(reflect.TypeOf(f))
}
