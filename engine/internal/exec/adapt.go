package exec

import (
	"reflect"
)

// Adapter turns the typed funcs users pass (interpreted closures arrive as
// real typed func values) into the engine's untyped forms, once, when the
// graph is built. Common shapes are type-asserted and called directly; any
// other shape of the right arity is checked once by reflection and called
// through reflect.Value.Call. P is the engine's pair type, named PairName in
// errors, and T its time type.
type Adapter[P, T any] struct {
	PairName string
	// Elem is called with an element of the wrong type for the function
	// (want names the type); it does not return.
	Elem func(op string, x any, want string)
	// Shape is called when a function has not the shape wanted; it does
	// not return.
	Shape func(op string, format string, args ...any)
	// Key is called with what a function called per key (a state update)
	// panicked with, or nil; it reports a panic and does not return then.
	Key func(op string, key any, r any)
}

// FuncType returns the type of f, which must be a func that is not variadic.
func (ad Adapter[P, T]) FuncType(op string, f any, what string) reflect.Type {
	if f == nil {
		ad.Shape(op, "want %s, got nil", what)
	}
	t := reflect.TypeOf(f)
	if t.Kind() != reflect.Func {
		ad.Shape(op, "want %s, got %s", what, t)
	}
	if t.IsVariadic() {
		ad.Shape(op, "want %s, got variadic %s", what, t)
	}
	return t
}

// Arg converts element x to a reflect.Value for a parameter of type in.
func (ad Adapter[P, T]) Arg(op string, x any, in reflect.Type) reflect.Value {
	if x == nil {
		switch in.Kind() {
		case reflect.Interface, reflect.Pointer, reflect.Slice, reflect.Map, reflect.Func, reflect.Chan:
			return reflect.Zero(in)
		}
		ad.Elem(op, x, in.String())
	}
	v := reflect.ValueOf(x)
	if !v.Type().AssignableTo(in) {
		ad.Elem(op, x, in.String())
	}
	return v
}

func Result(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	if v.Kind() == reflect.Interface && v.IsNil() {
		return nil
	}
	return v.Interface()
}

// Unary adapts f, a func(T) U, to func(any) any. what describes the shape for errors.
func (ad Adapter[P, T]) Unary(op string, f any) func(any) any {
	const what = "a func(T) U of one argument and one result"
	switch g := f.(type) {
	case func(any) any:
		return g
	case func(string) string:
		return func(x any) any {
			s, ok := x.(string)
			if !ok {
				ad.Elem(op, x, "string")
			}
			return g(s)
		}
	case func(string) P:
		return func(x any) any {
			s, ok := x.(string)
			if !ok {
				ad.Elem(op, x, "string")
			}
			return g(s)
		}
	case func(any) P:
		return func(x any) any { return g(x) }
	case func(string) int:
		return func(x any) any {
			s, ok := x.(string)
			if !ok {
				ad.Elem(op, x, "string")
			}
			return g(s)
		}
	case func(string) any:
		return func(x any) any {
			s, ok := x.(string)
			if !ok {
				ad.Elem(op, x, "string")
			}
			return g(s)
		}
	case func(int) int:
		return func(x any) any {
			n, ok := x.(int)
			if !ok {
				ad.Elem(op, x, "int")
			}
			return g(n)
		}
	case func(int) string:
		return func(x any) any {
			n, ok := x.(int)
			if !ok {
				ad.Elem(op, x, "int")
			}
			return g(n)
		}
	case func(int) P:
		return func(x any) any {
			n, ok := x.(int)
			if !ok {
				ad.Elem(op, x, "int")
			}
			return g(n)
		}
	case func(int) any:
		return func(x any) any {
			n, ok := x.(int)
			if !ok {
				ad.Elem(op, x, "int")
			}
			return g(n)
		}
	case func(P) P:
		return func(x any) any {
			p, ok := x.(P)
			if !ok {
				ad.Elem(op, x, ad.PairName)
			}
			return g(p)
		}
	case func(P) any:
		return func(x any) any {
			p, ok := x.(P)
			if !ok {
				ad.Elem(op, x, ad.PairName)
			}
			return g(p)
		}
	case func(float64) float64:
		return func(x any) any {
			n, ok := x.(float64)
			if !ok {
				ad.Elem(op, x, "float64")
			}
			return g(n)
		}
	}
	t := ad.FuncType(op, f, what)
	if t.NumIn() != 1 || t.NumOut() != 1 {
		ad.Shape(op, "want %s, got %s", what, t)
	}
	in := t.In(0)
	fv := reflect.ValueOf(f)
	return func(x any) any {
		return Result(fv.Call([]reflect.Value{ad.Arg(op, x, in)})[0])
	}
}

// Predicate adapts f, a func(T) bool.
func (ad Adapter[P, T]) Predicate(op string, f any) func(any) bool {
	const what = "a func(T) bool"
	switch g := f.(type) {
	case func(any) bool:
		return g
	case func(string) bool:
		return func(x any) bool {
			s, ok := x.(string)
			if !ok {
				ad.Elem(op, x, "string")
			}
			return g(s)
		}
	case func(int) bool:
		return func(x any) bool {
			n, ok := x.(int)
			if !ok {
				ad.Elem(op, x, "int")
			}
			return g(n)
		}
	case func(P) bool:
		return func(x any) bool {
			p, ok := x.(P)
			if !ok {
				ad.Elem(op, x, ad.PairName)
			}
			return g(p)
		}
	}
	t := ad.FuncType(op, f, what)
	if t.NumIn() != 1 || t.NumOut() != 1 || t.Out(0).Kind() != reflect.Bool {
		ad.Shape(op, "want %s, got %s", what, t)
	}
	in := t.In(0)
	fv := reflect.ValueOf(f)
	return func(x any) bool {
		return fv.Call([]reflect.Value{ad.Arg(op, x, in)})[0].Bool()
	}
}

// Expander adapts f, a func(T) []U, to a func that emits each result.
func (ad Adapter[P, T]) Expander(op string, f any) func(any, func(any)) {
	const what = "a func(T) []U"
	switch g := f.(type) {
	case func(string) []string:
		return func(x any, emit func(any)) {
			s, ok := x.(string)
			if !ok {
				ad.Elem(op, x, "string")
			}
			for _, w := range g(s) {
				emit(w)
			}
		}
	case func(string) []any:
		return func(x any, emit func(any)) {
			s, ok := x.(string)
			if !ok {
				ad.Elem(op, x, "string")
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
				ad.Elem(op, x, "int")
			}
			for _, w := range g(n) {
				emit(w)
			}
		}
	}
	t := ad.FuncType(op, f, what)
	if t.NumIn() != 1 || t.NumOut() != 1 || t.Out(0).Kind() != reflect.Slice {
		ad.Shape(op, "want %s, got %s", what, t)
	}
	in := t.In(0)
	fv := reflect.ValueOf(f)
	return func(x any, emit func(any)) {
		out := fv.Call([]reflect.Value{ad.Arg(op, x, in)})[0]
		for i, n := 0, out.Len(); i < n; i++ {
			emit(Result(out.Index(i)))
		}
	}
}

// PartitionFunc adapts f, a func([]T) []U.
func (ad Adapter[P, T]) PartitionFunc(op string, f any) func([]any) []any {
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
					ad.Elem(op, x, "string")
				}
				in[i] = s
			}
			return ToAnys(g(in))
		}
	}
	t := ad.FuncType(op, f, what)
	if t.NumIn() != 1 || t.NumOut() != 1 || t.In(0).Kind() != reflect.Slice || t.Out(0).Kind() != reflect.Slice {
		ad.Shape(op, "want %s, got %s", what, t)
	}
	elem := t.In(0).Elem()
	fv := reflect.ValueOf(f)
	return func(xs []any) []any {
		in := reflect.MakeSlice(t.In(0), len(xs), len(xs))
		for i, x := range xs {
			in.Index(i).Set(ad.Arg(op, x, elem))
		}
		out := fv.Call([]reflect.Value{in})[0]
		res := make([]any, out.Len())
		for i := range res {
			res[i] = Result(out.Index(i))
		}
		return res
	}
}

// ToAnys boxes every element of xs.
func ToAnys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// Reducer is a func(V, V) V adapted. IntFn is set when it is a
// func(int, int) int, so callers can keep int accumulators unboxed.
type Reducer struct {
	F     func(a, b any) any
	IntFn func(a, b int) int
}

// Reducer adapts f, a func(V, V) V.
func (ad Adapter[P, T]) Reducer(op string, f any) Reducer {
	const what = "a func(a, b V) V"
	switch g := f.(type) {
	case func(int, int) int:
		return Reducer{IntFn: g, F: func(a, b any) any {
			x, ok := a.(int)
			if !ok {
				ad.Elem(op, a, "int")
			}
			y, ok := b.(int)
			if !ok {
				ad.Elem(op, b, "int")
			}
			return g(x, y)
		}}
	case func(any, any) any:
		return Reducer{F: g}
	case func(float64, float64) float64:
		return Reducer{F: func(a, b any) any {
			x, ok := a.(float64)
			if !ok {
				ad.Elem(op, a, "float64")
			}
			y, ok := b.(float64)
			if !ok {
				ad.Elem(op, b, "float64")
			}
			return g(x, y)
		}}
	case func(string, string) string:
		return Reducer{F: func(a, b any) any {
			x, ok := a.(string)
			if !ok {
				ad.Elem(op, a, "string")
			}
			y, ok := b.(string)
			if !ok {
				ad.Elem(op, b, "string")
			}
			return g(x, y)
		}}
	}
	t := ad.FuncType(op, f, what)
	if t.NumIn() != 2 || t.NumOut() != 1 || t.In(0) != t.In(1) || t.In(0) != t.Out(0) {
		ad.Shape(op, "want %s, got %s", what, t)
	}
	in := t.In(0)
	fv := reflect.ValueOf(f)
	return Reducer{F: func(a, b any) any {
		return Result(fv.Call([]reflect.Value{ad.Arg(op, a, in), ad.Arg(op, b, in)})[0])
	}}
}
