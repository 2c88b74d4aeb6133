package exec

import "reflect"

// MapStateFunc is a MapWithState mapping function adapted: the result and
// whether to emit it.
type MapStateFunc[T, S any] func(t T, key any, value any, hasValue bool, s S) (any, bool)

// MapState adapts f, a func(key K, value *V, state S) R or func(t T, key K,
// value *V, state S) (R, bool) (shape names them in errors, buildOp is the
// operation they name; op names the run-time failures), with fast paths for
// common string and int shapes. S is the engine's state type. A panic of f
// goes to guard, with the key and the value (has: there is one).
func MapState[P, T, S any](ad Adapter[P, T], op, buildOp string, f any, shape string, guard func(key, value any, has bool, r any)) MapStateFunc[T, S] {
	stringKey := func(key any) string {
		k, ok := key.(string)
		if !ok {
			ad.Elem(op, key, "string")
		}
		return k
	}
	intPtr := func(value any, has bool) *int {
		if !has {
			return nil
		}
		n, ok := value.(int)
		if !ok {
			ad.Elem(op, value, "int")
		}
		return &n
	}
	switch g := f.(type) {
	case func(string, *int, S) int:
		return func(_ T, key any, value any, has bool, s S) (any, bool) {
			k := stringKey(key)
			vp := intPtr(value, has)
			var r int
			func() {
				defer func() { guard(key, value, has, recover()) }()
				r = g(k, vp, s)
			}()
			return r, true
		}
	case func(string, *int, S) P:
		return func(_ T, key any, value any, has bool, s S) (any, bool) {
			k := stringKey(key)
			vp := intPtr(value, has)
			var r P
			func() {
				defer func() { guard(key, value, has, recover()) }()
				r = g(k, vp, s)
			}()
			return r, true
		}
	case func(any, *any, S) any:
		return func(_ T, key any, value any, has bool, s S) (any, bool) {
			var vp *any
			if has {
				v := value
				vp = &v
			}
			var r any
			func() {
				defer func() { guard(key, value, has, recover()) }()
				r = g(key, vp, s)
			}()
			return r, true
		}
	case func(T, string, *int, S) (P, bool):
		return func(t T, key any, value any, has bool, s S) (any, bool) {
			k := stringKey(key)
			vp := intPtr(value, has)
			var r P
			var ok bool
			func() {
				defer func() { guard(key, value, has, recover()) }()
				r, ok = g(t, k, vp, s)
			}()
			return r, ok
		}
	}
	t := ad.FuncType(buildOp, f, shape)
	var withT bool
	switch {
	case t.NumIn() == 3 && t.NumOut() == 1:
	case t.NumIn() == 4 && t.NumOut() == 2 && t.In(0) == reflect.TypeFor[T]() && t.Out(1).Kind() == reflect.Bool:
		withT = true
	default:
		ad.Shape(buildOp, "want %s, got %s", shape, t)
	}
	ki := 0
	if withT {
		ki = 1
	}
	kt, vt := t.In(ki), t.In(ki+1)
	if vt.Kind() != reflect.Pointer || t.In(ki+2) != reflect.TypeFor[S]() {
		ad.Shape(buildOp, "want %s, got %s", shape, t)
	}
	fv := reflect.ValueOf(f)
	return func(bt T, key any, value any, has bool, s S) (any, bool) {
		vp := reflect.Zero(vt)
		if has {
			vp = reflect.New(vt.Elem())
			vp.Elem().Set(ad.Arg(op, value, vt.Elem()))
		}
		args := []reflect.Value{ad.Arg(op, key, kt), vp, reflect.ValueOf(s)}
		if withT {
			args = append([]reflect.Value{reflect.ValueOf(bt)}, args...)
		}
		var out []reflect.Value
		func() {
			defer func() { guard(key, value, has, recover()) }()
			out = fv.Call(args)
		}()
		if withT {
			return Result(out[0]), out[1].Bool()
		}
		return Result(out[0]), true
	}
}
