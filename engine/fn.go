package engine

import (
	"fmt"
	"reflect"
)

// This file turns the typed funcs users pass (interpreted closures arrive as
// real typed func values) into the engine's untyped forms. Common shapes are
// type-asserted and called directly; any other shape of the right arity is
// checked once by reflection and called through reflect.Value.Call.

var (
	boolType = reflect.TypeOf(true)
	timeType = reflect.TypeOf(Time(0))
)

func funcType(op string, f any, what string) reflect.Type {
	if f == nil {
		buildErrorf(op, "want %s, got nil", what)
	}
	t := reflect.TypeOf(f)
	if t.Kind() != reflect.Func {
		buildErrorf(op, "want %s, got %s", what, t)
	}
	if t.IsVariadic() {
		buildErrorf(op, "want %s, got variadic %s", what, t)
	}
	return t
}

// argValue converts element x to a reflect.Value for a parameter of type in.
func argValue(op string, x any, in reflect.Type) reflect.Value {
	if x == nil {
		switch in.Kind() {
		case reflect.Interface, reflect.Pointer, reflect.Slice, reflect.Map, reflect.Func, reflect.Chan:
			return reflect.Zero(in)
		}
		failElem(op, x, in.String())
	}
	v := reflect.ValueOf(x)
	if !v.Type().AssignableTo(in) {
		failElem(op, x, in.String())
	}
	return v
}

func resultValue(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	if v.Kind() == reflect.Interface && v.IsNil() {
		return nil
	}
	return v.Interface()
}

// unary adapts f, a func(T) U, to func(any) any. what describes the shape for errors.
func unary(op string, f any) func(any) any {
	const what = "a func(T) U of one argument and one result"
	switch g := f.(type) {
	case func(any) any:
		return g
	case func(string) string:
		return func(x any) any {
			s, ok := x.(string)
			if !ok {
				failElem(op, x, "string")
			}
			return g(s)
		}
	case func(string) Pair:
		return func(x any) any {
			s, ok := x.(string)
			if !ok {
				failElem(op, x, "string")
			}
			return g(s)
		}
	case func(any) Pair:
		return func(x any) any { return g(x) }
	case func(string) int:
		return func(x any) any {
			s, ok := x.(string)
			if !ok {
				failElem(op, x, "string")
			}
			return g(s)
		}
	case func(string) any:
		return func(x any) any {
			s, ok := x.(string)
			if !ok {
				failElem(op, x, "string")
			}
			return g(s)
		}
	case func(int) int:
		return func(x any) any {
			n, ok := x.(int)
			if !ok {
				failElem(op, x, "int")
			}
			return g(n)
		}
	case func(int) string:
		return func(x any) any {
			n, ok := x.(int)
			if !ok {
				failElem(op, x, "int")
			}
			return g(n)
		}
	case func(int) Pair:
		return func(x any) any {
			n, ok := x.(int)
			if !ok {
				failElem(op, x, "int")
			}
			return g(n)
		}
	case func(int) any:
		return func(x any) any {
			n, ok := x.(int)
			if !ok {
				failElem(op, x, "int")
			}
			return g(n)
		}
	case func(Pair) Pair:
		return func(x any) any {
			p, ok := x.(Pair)
			if !ok {
				failElem(op, x, "engine.Pair")
			}
			return g(p)
		}
	case func(Pair) any:
		return func(x any) any {
			p, ok := x.(Pair)
			if !ok {
				failElem(op, x, "engine.Pair")
			}
			return g(p)
		}
	case func(float64) float64:
		return func(x any) any {
			n, ok := x.(float64)
			if !ok {
				failElem(op, x, "float64")
			}
			return g(n)
		}
	}
	t := funcType(op, f, what)
	if t.NumIn() != 1 || t.NumOut() != 1 {
		buildErrorf(op, "want %s, got %s", what, t)
	}
	in := t.In(0)
	fv := reflect.ValueOf(f)
	return func(x any) any {
		return resultValue(fv.Call([]reflect.Value{argValue(op, x, in)})[0])
	}
}

// predicate adapts f, a func(T) bool.
func predicate(op string, f any) func(any) bool {
	const what = "a func(T) bool"
	switch g := f.(type) {
	case func(any) bool:
		return g
	case func(string) bool:
		return func(x any) bool {
			s, ok := x.(string)
			if !ok {
				failElem(op, x, "string")
			}
			return g(s)
		}
	case func(int) bool:
		return func(x any) bool {
			n, ok := x.(int)
			if !ok {
				failElem(op, x, "int")
			}
			return g(n)
		}
	case func(Pair) bool:
		return func(x any) bool {
			p, ok := x.(Pair)
			if !ok {
				failElem(op, x, "engine.Pair")
			}
			return g(p)
		}
	}
	t := funcType(op, f, what)
	if t.NumIn() != 1 || t.NumOut() != 1 || t.Out(0).Kind() != reflect.Bool {
		buildErrorf(op, "want %s, got %s", what, t)
	}
	in := t.In(0)
	fv := reflect.ValueOf(f)
	return func(x any) bool {
		return fv.Call([]reflect.Value{argValue(op, x, in)})[0].Bool()
	}
}

// expander adapts f, a func(T) []U, to a func that emits each result.
func expander(op string, f any) func(any, func(any)) {
	const what = "a func(T) []U"
	switch g := f.(type) {
	case func(string) []string:
		return func(x any, emit func(any)) {
			s, ok := x.(string)
			if !ok {
				failElem(op, x, "string")
			}
			for _, w := range g(s) {
				emit(w)
			}
		}
	case func(string) []any:
		return func(x any, emit func(any)) {
			s, ok := x.(string)
			if !ok {
				failElem(op, x, "string")
			}
			for _, w := range g(s) {
				emit(w)
			}
		}
	case func(any) []any:
		return func(x any, emit func(any)) {
			for _, w := range g(x) {
				emit(w)
			}
		}
	case func(int) []int:
		return func(x any, emit func(any)) {
			n, ok := x.(int)
			if !ok {
				failElem(op, x, "int")
			}
			for _, w := range g(n) {
				emit(w)
			}
		}
	}
	t := funcType(op, f, what)
	if t.NumIn() != 1 || t.NumOut() != 1 || t.Out(0).Kind() != reflect.Slice {
		buildErrorf(op, "want %s, got %s", what, t)
	}
	in := t.In(0)
	fv := reflect.ValueOf(f)
	return func(x any, emit func(any)) {
		out := fv.Call([]reflect.Value{argValue(op, x, in)})[0]
		for i, n := 0, out.Len(); i < n; i++ {
			emit(resultValue(out.Index(i)))
		}
	}
}

// partitionFunc adapts f, a func([]T) []U.
func partitionFunc(op string, f any) func([]any) []any {
	const what = "a func([]T) []U"
	switch g := f.(type) {
	case func([]any) []any:
		return g
	case func([]string) []string:
		return func(xs []any) []any {
			in := make([]string, len(xs))
			for i, x := range xs {
				s, ok := x.(string)
				if !ok {
					failElem(op, x, "string")
				}
				in[i] = s
			}
			return toAnys(g(in))
		}
	}
	t := funcType(op, f, what)
	if t.NumIn() != 1 || t.NumOut() != 1 || t.In(0).Kind() != reflect.Slice || t.Out(0).Kind() != reflect.Slice {
		buildErrorf(op, "want %s, got %s", what, t)
	}
	elem := t.In(0).Elem()
	fv := reflect.ValueOf(f)
	return func(xs []any) []any {
		in := reflect.MakeSlice(t.In(0), len(xs), len(xs))
		for i, x := range xs {
			in.Index(i).Set(argValue(op, x, elem))
		}
		out := fv.Call([]reflect.Value{in})[0]
		res := make([]any, out.Len())
		for i := range res {
			res[i] = resultValue(out.Index(i))
		}
		return res
	}
}

func toAnys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// reducer adapts f, a func(V, V) V. intFn is set when f is func(int, int) int,
// so callers can keep int accumulators unboxed.
type reducer struct {
	f     func(a, b any) any
	intFn func(a, b int) int
	sum   bool // intFn is Sum
}

func newReducer(op string, f any) reducer {
	const what = "a func(a, b V) V"
	switch g := f.(type) {
	case func(int, int) int:
		return reducer{intFn: g, sum: sameFunc(g, Sum), f: func(a, b any) any {
			x, ok := a.(int)
			if !ok {
				failElem(op, a, "int")
			}
			y, ok := b.(int)
			if !ok {
				failElem(op, b, "int")
			}
			return g(x, y)
		}}
	case func(any, any) any:
		return reducer{f: g}
	case func(float64, float64) float64:
		return reducer{f: func(a, b any) any {
			x, ok := a.(float64)
			if !ok {
				failElem(op, a, "float64")
			}
			y, ok := b.(float64)
			if !ok {
				failElem(op, b, "float64")
			}
			return g(x, y)
		}}
	case func(string, string) string:
		return reducer{f: func(a, b any) any {
			x, ok := a.(string)
			if !ok {
				failElem(op, a, "string")
			}
			y, ok := b.(string)
			if !ok {
				failElem(op, b, "string")
			}
			return g(x, y)
		}}
	}
	t := funcType(op, f, what)
	if t.NumIn() != 2 || t.NumOut() != 1 || t.In(0) != t.In(1) || t.In(0) != t.Out(0) {
		buildErrorf(op, "want %s, got %s", what, t)
	}
	in := t.In(0)
	fv := reflect.ValueOf(f)
	return reducer{f: func(a, b any) any {
		return resultValue(fv.Call([]reflect.Value{argValue(op, a, in), argValue(op, b, in)})[0])
	}}
}

// guard runs body and turns a panic of user code into a task failure naming op
// and the element being processed.
func guard(op string, x any, r any) {
	if r != nil {
		failUser(op, r, x)
	}
}

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
