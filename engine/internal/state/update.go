package state

import (
	"cmp"
	"reflect"
	"slices"
	"sync"
)

// valued is a key with the values a batch brought it, and its slot when
// it has a state.
type valued struct {
	slot   int32
	key    any
	values []any
}

// Updates runs batch t's UpdateStateByKey over one partition. prev is the
// partition's state (nil when empty), a map whose entries hold the state's
// elements, P{key, state}; grouped are the batch's P{key, *[]any values},
// keys in the order first met. As Spark's UpdateStateByKey, update runs for
// every key with a state, in slot order, with its values or none, then for
// every new key in the order first met; a key removed and back takes a new
// place at the end. It returns the partition's next version (NextFull) and
// its elements in order: a state same as the one before keeps its element.
// update is the user's function in plain form: given the batch time, a key,
// the values the batch brought it (empty when none) and its state (has is
// false for a new key), it returns the new state and whether to keep the
// key.
func Updates[P ~struct{ Key, Value any }, T any](prev *Map, grouped []any, t T, update func(t T, key any, values []any, state any, has bool) (any, bool), same Same, unhashable func(k, r any)) (*Map, []any) {
	var m *Map
	if prev == nil {
		m = NewMap(unhashable)
	} else {
		m = prev.NextFull()
	}
	var hits, fresh []valued
	for _, x := range grouped {
		kv := struct{ Key, Value any }(x.(P))
		values := *kv.Value.(*[]any)
		if i, e, ok := m.Get(kv.Key); ok && e.Live {
			hits = append(hits, valued{i, kv.Key, values})
			continue
		}
		fresh = append(fresh, valued{-1, kv.Key, values})
	}
	slices.SortFunc(hits, func(a, b valued) int { return cmp.Compare(a.slot, b.slot) })
	part := make([]any, 0, m.Len()+len(fresh))
	m.Each(func(i int32, k any, e Entry) {
		values := []any{}
		if len(hits) > 0 && hits[0].slot == i {
			values = hits[0].values[:len(hits[0].values):len(hits[0].values)]
			hits = hits[1:]
		}
		old := struct{ Key, Value any }(e.State.(P)).Value
		ns, keep := update(t, k, values, old, true)
		switch {
		case !keep:
			m.Update(i, e, Entry{})
		case same(old, ns):
			part = append(part, e.State)
		default:
			x := any(P(struct{ Key, Value any }{k, ns}))
			m.Update(i, e, Entry{State: x, Live: true})
			part = append(part, x)
		}
	})
	for _, f := range fresh {
		if ns, keep := update(t, f.key, f.values[:len(f.values):len(f.values)], nil, false); keep {
			x := any(P(struct{ Key, Value any }{f.key, ns}))
			m.Add(f.key, x, 0)
			part = append(part, x)
		}
	}
	return m, part
}

// Elements makes a partition of state elements, P{key, state}, a map for
// Updates; notPair is called with an element that is not a P and does not
// return. A key met twice keeps its first state, as Spark's cogroup's
// headOption does.
func Elements[P ~struct{ Key, Value any }](part []any, notPair func(x any), unhashable func(k, r any)) *Map {
	m := NewMap(unhashable)
	for _, x := range part {
		kv, ok := x.(P)
		if !ok {
			notPair(x)
		}
		k := struct{ Key, Value any }(kv).Key
		if _, _, ok := m.Get(k); ok {
			continue
		}
		m.Add(k, x, 0)
	}
	return m
}

// Plain is Same for the engine's values: only values that cannot change
// behind the engine's back (numbers, strings, times T, and pairs P and
// structs of those) are compared; any other (pointers, slices, maps) is
// never the same, so a checkpoint always writes it.
func Plain[P ~struct{ Key, Value any }, T ~int64](a, b any) bool {
	switch x := a.(type) {
	case int:
		y, ok := b.(int)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case int64:
		y, ok := b.(int64)
		return ok && x == y
	case float64:
		y, ok := b.(float64)
		return ok && x == y
	case T:
		y, ok := b.(T)
		return ok && x == y
	case P:
		y, ok := b.(P)
		px, py := struct{ Key, Value any }(x), struct{ Key, Value any }(y)
		return ok && Plain[P, T](px.Key, py.Key) && Plain[P, T](px.Value, py.Value)
	case nil:
		return b == nil
	}
	ta := reflect.TypeOf(a)
	if ta != reflect.TypeOf(b) || !plainType(ta) {
		return false
	}
	return a == b
}

var plainTypes sync.Map // reflect.Type → bool

// plainType reports whether values of t are compared with == by value
// alone: no pointers, interfaces, slices, maps, channels or funcs inside.
func plainType(t reflect.Type) bool {
	if v, ok := plainTypes.Load(t); ok {
		return v.(bool)
	}
	var plain bool
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128, reflect.String:
		plain = true
	case reflect.Array:
		plain = plainType(t.Elem())
	case reflect.Struct:
		plain = true
		for i := 0; i < t.NumField() && plain; i++ {
			plain = plainType(t.Field(i).Type)
		}
	}
	plainTypes.Store(t, plain)
	return plain
}
