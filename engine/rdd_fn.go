package engine

import (
	"reflect"
)

// Adapters for the function shapes of the RDD operations beyond the element
// functions of fn.go: two-argument functions of different types (seqOp),
// comparisons, consumers and indexed partition functions. As in fn.go,
// common shapes are type-asserted and the rest called by reflection.

// binaryFunc adapts f, a func(A, B) A (or any func of two arguments and one
// result), to func(a, b any) any.
func binaryFunc(op string, f any, what string) func(a, b any) any {
	switch g := f.(type) {
	case func(any, any) any:
		return g
	case func(int, int) int:
		return func(a, b any) any { return g(intArg(op, a), intArg(op, b)) }
	case func(float64, float64) float64:
		return func(a, b any) any { return g(floatArg(op, a), floatArg(op, b)) }
	case func(string, string) string:
		return func(a, b any) any { return g(stringArg(op, a), stringArg(op, b)) }
	case func([]any, any) []any:
		return func(a, b any) any {
			xs, ok := a.([]any)
			if !ok && a != nil {
				failElem(op, a, "[]any")
			}
			return g(xs, b)
		}
	}
	t := funcType(op, f, what)
	if t.NumIn() != 2 || t.NumOut() != 1 {
		buildErrorf(op, "want %s, got %s", what, t)
	}
	in0, in1 := t.In(0), t.In(1)
	fv := reflect.ValueOf(f)
	return func(a, b any) any {
		return resultValue(fv.Call([]reflect.Value{argValue(op, a, in0), argValue(op, b, in1)})[0])
	}
}

func intArg(op string, x any) int {
	n, ok := x.(int)
	if !ok {
		failElem(op, x, "int")
	}
	return n
}

func floatArg(op string, x any) float64 {
	n, ok := x.(float64)
	if !ok {
		failElem(op, x, "float64")
	}
	return n
}

func stringArg(op string, x any) string {
	s, ok := x.(string)
	if !ok {
		failElem(op, x, "string")
	}
	return s
}

// lessFunc adapts less, a func(a, b T) bool that reports whether a sorts
// before b.
func lessFunc(op string, less any) func(a, b any) bool {
	const what = "a func(a, b T) bool"
	switch g := less.(type) {
	case func(any, any) bool:
		return g
	case func(int, int) bool:
		return func(a, b any) bool { return g(intArg(op, a), intArg(op, b)) }
	case func(float64, float64) bool:
		return func(a, b any) bool { return g(floatArg(op, a), floatArg(op, b)) }
	case func(string, string) bool:
		return func(a, b any) bool { return g(stringArg(op, a), stringArg(op, b)) }
	case func(Pair, Pair) bool:
		return func(a, b any) bool { return g(pairArg(op, a), pairArg(op, b)) }
	}
	t := funcType(op, less, what)
	if t.NumIn() != 2 || t.NumOut() != 1 || t.In(0) != t.In(1) || t.Out(0).Kind() != reflect.Bool {
		buildErrorf(op, "want %s, got %s", what, t)
	}
	in := t.In(0)
	fv := reflect.ValueOf(less)
	return func(a, b any) bool {
		return fv.Call([]reflect.Value{argValue(op, a, in), argValue(op, b, in)})[0].Bool()
	}
}

func pairArg(op string, x any) Pair {
	p, ok := x.(Pair)
	if !ok {
		failElem(op, x, "engine.Pair")
	}
	return p
}

// consumer adapts f, a func(T) with no result.
func consumer(op string, f any) func(any) {
	const what = "a func(T) of one argument and no result"
	switch g := f.(type) {
	case func(any):
		return g
	case func(int):
		return func(x any) { g(intArg(op, x)) }
	case func(string):
		return func(x any) { g(stringArg(op, x)) }
	case func(float64):
		return func(x any) { g(floatArg(op, x)) }
	case func(Pair):
		return func(x any) { g(pairArg(op, x)) }
	}
	t := funcType(op, f, what)
	if t.NumIn() != 1 || t.NumOut() != 0 {
		buildErrorf(op, "want %s, got %s", what, t)
	}
	in := t.In(0)
	fv := reflect.ValueOf(f)
	return func(x any) { fv.Call([]reflect.Value{argValue(op, x, in)}) }
}

// partitionConsumer adapts f, a func([]T) with no result.
func partitionConsumer(op string, f any) func([]any) {
	const what = "a func([]T) of one slice argument and no result"
	if g, ok := f.(func([]any)); ok {
		return g
	}
	t := funcType(op, f, what)
	if t.NumIn() != 1 || t.NumOut() != 0 || t.In(0).Kind() != reflect.Slice {
		buildErrorf(op, "want %s, got %s", what, t)
	}
	in := t.In(0)
	fv := reflect.ValueOf(f)
	return func(xs []any) { fv.Call([]reflect.Value{sliceArg(op, xs, in)}) }
}

// sliceArg converts xs to a slice of type t for a reflective call.
func sliceArg(op string, xs []any, t reflect.Type) reflect.Value {
	s := reflect.MakeSlice(t, len(xs), len(xs))
	elem := t.Elem()
	for i, x := range xs {
		s.Index(i).Set(argValue(op, x, elem))
	}
	return s
}

// indexedPartitionFunc adapts f, a func(index int, part []T) []U.
func indexedPartitionFunc(op string, f any) func(int, []any) []any {
	const what = "a func(index int, part []T) []U"
	switch g := f.(type) {
	case func(int, []any) []any:
		return g
	case func(int, []int) []int:
		return func(p int, xs []any) []any {
			in := make([]int, len(xs))
			for i, x := range xs {
				in[i] = intArg(op, x)
			}
			return toAnys(g(p, in))
		}
	case func(int, []string) []string:
		return func(p int, xs []any) []any {
			in := make([]string, len(xs))
			for i, x := range xs {
				in[i] = stringArg(op, x)
			}
			return toAnys(g(p, in))
		}
	}
	t := funcType(op, f, what)
	if t.NumIn() != 2 || t.NumOut() != 1 || t.In(0).Kind() != reflect.Int || t.In(1).Kind() != reflect.Slice || t.Out(0).Kind() != reflect.Slice {
		buildErrorf(op, "want %s, got %s", what, t)
	}
	in := t.In(1)
	fv := reflect.ValueOf(f)
	return func(p int, xs []any) []any {
		out := fv.Call([]reflect.Value{reflect.ValueOf(p).Convert(t.In(0)), sliceArg(op, xs, in)})[0]
		res := make([]any, out.Len())
		for i := range res {
			res[i] = resultValue(out.Index(i))
		}
		return res
	}
}
