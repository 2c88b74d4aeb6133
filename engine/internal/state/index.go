package state

import "fmt"

// Index maps keys to slots, with a fast path for strings and ints.
// Unhashable, when set, is called with a key that cannot be a map key and
// the runtime's panic, and does not return; without it such a key panics
// with a plain error.
type Index struct {
	strs map[string]int32
	ints map[int]int32
	anys map[any]int32

	Unhashable func(k, r any)
}

// Reserve sizes the string index for n keys, the common case.
func (x *Index) Reserve(n int) {
	if x.strs == nil && n > 0 {
		x.strs = make(map[string]int32, n)
	}
}

// Get returns key k's slot.
func (x *Index) Get(k any) (int32, bool) {
	switch v := k.(type) {
	case string:
		i, ok := x.strs[v]
		return i, ok
	case int:
		i, ok := x.ints[v]
		return i, ok
	}
	defer x.recoverUnhashable(k)
	i, ok := x.anys[k]
	return i, ok
}

// Put sets key k's slot.
func (x *Index) Put(k any, i int32) {
	switch v := k.(type) {
	case string:
		if x.strs == nil {
			x.strs = make(map[string]int32)
		}
		x.strs[v] = i
		return
	case int:
		if x.ints == nil {
			x.ints = make(map[int]int32)
		}
		x.ints[v] = i
		return
	}
	if x.anys == nil {
		x.anys = make(map[any]int32)
	}
	defer x.recoverUnhashable(k)
	x.anys[k] = i
}

func (x *Index) recoverUnhashable(k any) {
	if r := recover(); r != nil {
		if x.Unhashable != nil {
			x.Unhashable(k, r)
		}
		panic(fmt.Errorf("key of type %T cannot be hashed: %v", k, r))
	}
}
