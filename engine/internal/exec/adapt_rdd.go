package exec

import (
	"reflect"
)

// Adapters for the function shapes of the RDD operations beyond the element
// functions of adapt.go: two-argument functions of different types (seqOp),
// comparisons, consumers and indexed partition functions. As in fn.go,
// common shapes are type-asserted and the rest called by reflection.

// Binary adapts f, a func(A, B) A (or any func of two arguments and one
// result), to func(a, b any) any.
func (ad Adapter[P, T]) Binary(op string, f any, what string) func(a, b any) any {
	switch g := f.(type) {
	case func(any, any) any:
		return g
	case func(int, int) int:
		return func(a, b any) any { return g(ad.intArg(op, a), ad.intArg(op, b)) }
	case func(float64, float64) float64:
		return func(a, b any) any { return g(ad.floatArg(op, a), ad.floatArg(op, b)) }
	case func(string, string) string:
		return func(a, b any) any { return g(ad.stringArg(op, a), ad.stringArg(op, b)) }
	case func([]any, any) []any:
		return func(a, b any) any {
			xs, ok := a.([]any)
			if !ok && a != nil {
				ad.Elem(op, a, "[]any")
			}
			return g(xs, b)
		}
	}
	t := ad.FuncType(op, f, what)
	if t.NumIn() != 2 || t.NumOut() != 1 {
		ad.Shape(op, "want %s, got %s", what, t)
	}
	in0, in1 := t.In(0), t.In(1)
	fv := reflect.ValueOf(f)
	return func(a, b any) any {
		return Result(fv.Call([]reflect.Value{ad.Arg(op, a, in0), ad.Arg(op, b, in1)})[0])
	}
}

func (ad Adapter[P, T]) intArg(op string, x any) int {
	n, ok := x.(int)
	if !ok {
		ad.Elem(op, x, "int")
	}
	return n
}

func (ad Adapter[P, T]) floatArg(op string, x any) float64 {
	n, ok := x.(float64)
	if !ok {
		ad.Elem(op, x, "float64")
	}
	return n
}

func (ad Adapter[P, T]) stringArg(op string, x any) string {
	s, ok := x.(string)
	if !ok {
		ad.Elem(op, x, "string")
	}
	return s
}

// Less adapts less, a func(a, b T) bool that reports whether a sorts
// before b.
func (ad Adapter[P, T]) Less(op string, less any) func(a, b any) bool {
	const what = "a func(a, b T) bool"
	switch g := less.(type) {
	case func(any, any) bool:
		return g
	case func(int, int) bool:
		return func(a, b any) bool { return g(ad.intArg(op, a), ad.intArg(op, b)) }
	case func(float64, float64) bool:
		return func(a, b any) bool { return g(ad.floatArg(op, a), ad.floatArg(op, b)) }
	case func(string, string) bool:
		return func(a, b any) bool { return g(ad.stringArg(op, a), ad.stringArg(op, b)) }
	case func(P, P) bool:
		return func(a, b any) bool { return g(ad.pairArg(op, a), ad.pairArg(op, b)) }
	}
	t := ad.FuncType(op, less, what)
	if t.NumIn() != 2 || t.NumOut() != 1 || t.In(0) != t.In(1) || t.Out(0).Kind() != reflect.Bool {
		ad.Shape(op, "want %s, got %s", what, t)
	}
	in := t.In(0)
	fv := reflect.ValueOf(less)
	return func(a, b any) bool {
		return fv.Call([]reflect.Value{ad.Arg(op, a, in), ad.Arg(op, b, in)})[0].Bool()
	}
}

func (ad Adapter[P, T]) pairArg(op string, x any) P {
	p, ok := x.(P)
	if !ok {
		ad.Elem(op, x, ad.PairName)
	}
	return p
}

// Consumer adapts f, a func(T) with no result.
func (ad Adapter[P, T]) Consumer(op string, f any) func(any) {
	const what = "a func(T) of one argument and no result"
	switch g := f.(type) {
	case func(any):
		return g
	case func(int):
		return func(x any) { g(ad.intArg(op, x)) }
	case func(string):
		return func(x any) { g(ad.stringArg(op, x)) }
	case func(float64):
		return func(x any) { g(ad.floatArg(op, x)) }
	case func(P):
		return func(x any) { g(ad.pairArg(op, x)) }
	}
	t := ad.FuncType(op, f, what)
	if t.NumIn() != 1 || t.NumOut() != 0 {
		ad.Shape(op, "want %s, got %s", what, t)
	}
	in := t.In(0)
	fv := reflect.ValueOf(f)
	return func(x any) { fv.Call([]reflect.Value{ad.Arg(op, x, in)}) }
}

// PartitionConsumer adapts f, a func([]T) with no result.
func (ad Adapter[P, T]) PartitionConsumer(op string, f any) func([]any) {
	const what = "a func([]T) of one slice argument and no result"
	if g, ok := f.(func([]any)); ok {
		return g
	}
	t := ad.FuncType(op, f, what)
	if t.NumIn() != 1 || t.NumOut() != 0 || t.In(0).Kind() != reflect.Slice {
		ad.Shape(op, "want %s, got %s", what, t)
	}
	in := t.In(0)
	fv := reflect.ValueOf(f)
	return func(xs []any) { fv.Call([]reflect.Value{ad.sliceArg(op, xs, in)}) }
}

// sliceArg converts xs to a slice of type t for a reflective call.
func (ad Adapter[P, T]) sliceArg(op string, xs []any, t reflect.Type) reflect.Value {
	s := reflect.MakeSlice(t, len(xs), len(xs))
	elem := t.Elem()
	for i, x := range xs {
		s.Index(i).Set(ad.Arg(op, x, elem))
	}
	return s
}

// IndexedPartitionFunc adapts f, a func(index int, part []T) []U.
func (ad Adapter[P, T]) IndexedPartitionFunc(op string, f any) func(int, []any) []any {
	const what = "a func(index int, part []T) []U"
	switch g := f.(type) {
	case func(int, []any) []any:
		return g
	case func(int, []int) []int:
		return func(p int, xs []any) []any {
			in := make([]int, len(xs))
			for i, x := range xs {
				in[i] = ad.intArg(op, x)
			}
			return ToAnys(g(p, in))
		}
	case func(int, []string) []string:
		return func(p int, xs []any) []any {
			in := make([]string, len(xs))
			for i, x := range xs {
				in[i] = ad.stringArg(op, x)
			}
			return ToAnys(g(p, in))
		}
	}
	t := ad.FuncType(op, f, what)
	if t.NumIn() != 2 || t.NumOut() != 1 || t.In(0).Kind() != reflect.Int || t.In(1).Kind() != reflect.Slice || t.Out(0).Kind() != reflect.Slice {
		ad.Shape(op, "want %s, got %s", what, t)
	}
	in := t.In(1)
	fv := reflect.ValueOf(f)
	return func(p int, xs []any) []any {
		out := fv.Call([]reflect.Value{reflect.ValueOf(p).Convert(t.In(0)), ad.sliceArg(op, xs, in)})[0]
		res := make([]any, out.Len())
		for i := range res {
			res[i] = Result(out.Index(i))
		}
		return res
	}
}
