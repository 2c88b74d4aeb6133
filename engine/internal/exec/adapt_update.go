package exec

import "reflect"

// UpdateFunc is a state-update function adapted: the new state and
// whether to keep the key.
type UpdateFunc[T any] func(t T, key any, values []any, state any, has bool) (any, bool)

// Update adapts f, a func(values []V, state *S) *S or func(t T, key K,
// values []V, state *S) *S (shape names it in errors), with fast paths for
// common int and string shapes. A panic of f goes to Key.
func (ad Adapter[P, T]) Update(op string, f any, shape string) UpdateFunc[T] {
	switch g := f.(type) {
	case func([]int, *int) *int:
		return func(_ T, key any, values []any, state any, has bool) (any, bool) {
			return ad.intUpdate(op, key, values, state, has, func(vs []int, s *int) *int { return g(vs, s) })
		}
	case func(T, string, []int, *int) *int:
		return func(t T, key any, values []any, state any, has bool) (any, bool) {
			k, ok := key.(string)
			if !ok {
				ad.Elem(op, key, "string")
			}
			return ad.intUpdate(op, key, values, state, has, func(vs []int, s *int) *int { return g(t, k, vs, s) })
		}
	case func(T, any, []int, *int) *int:
		return func(t T, key any, values []any, state any, has bool) (any, bool) {
			return ad.intUpdate(op, key, values, state, has, func(vs []int, s *int) *int { return g(t, key, vs, s) })
		}
	case func([]any, *any) *any:
		return func(_ T, key any, values []any, state any, has bool) (any, bool) {
			var sp *any
			if has {
				s := state
				sp = &s
			}
			var res *any
			func() {
				defer func() { ad.Key(op, key, recover()) }()
				res = g(values, sp)
			}()
			if res == nil {
				return nil, false
			}
			return *res, true
		}
	}
	t := ad.FuncType(op, f, shape)
	var withKey bool
	switch {
	case t.NumIn() == 2 && t.NumOut() == 1:
	case t.NumIn() == 4 && t.NumOut() == 1 && t.In(0) == reflect.TypeFor[T]():
		withKey = true
	default:
		ad.Shape(op, "want %s, got %s", shape, t)
	}
	vi, si := 0, 1
	if withKey {
		vi, si = 2, 3
	}
	vt, st := t.In(vi), t.In(si)
	if vt.Kind() != reflect.Slice || st.Kind() != reflect.Pointer || t.Out(0) != st {
		ad.Shape(op, "want %s, got %s", shape, t)
	}
	fv := reflect.ValueOf(f)
	var keyType reflect.Type
	if withKey {
		keyType = t.In(1)
	}
	return func(bt T, key any, values []any, state any, has bool) (any, bool) {
		vs := reflect.MakeSlice(vt, len(values), len(values))
		for i, v := range values {
			vs.Index(i).Set(ad.Arg(op, v, vt.Elem()))
		}
		sp := reflect.Zero(st)
		if has {
			sp = reflect.New(st.Elem())
			sp.Elem().Set(ad.Arg(op, state, st.Elem()))
		}
		args := []reflect.Value{vs, sp}
		if withKey {
			args = []reflect.Value{reflect.ValueOf(bt), ad.Arg(op, key, keyType), vs, sp}
		}
		var out reflect.Value
		func() {
			defer func() { ad.Key(op, key, recover()) }()
			out = fv.Call(args)[0]
		}()
		if out.IsNil() {
			return nil, false
		}
		return out.Elem().Interface(), true
	}
}

func (ad Adapter[P, T]) intUpdate(op string, key any, values []any, state any, has bool, g func([]int, *int) *int) (any, bool) {
	vs := make([]int, len(values))
	for i, v := range values {
		n, ok := v.(int)
		if !ok {
			ad.Elem(op, v, "int")
		}
		vs[i] = n
	}
	var sp *int
	if has {
		n, ok := state.(int)
		if !ok {
			ad.Elem(op, state, "int")
		}
		sp = &n
	}
	var res *int
	func() {
		defer func() { ad.Key(op, key, recover()) }()
		res = g(vs, sp)
	}()
	if res == nil {
		return nil, false
	}
	return *res, true
}
