package session

import (
	"reflect"
	"sync"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// A failed compilation can leave the interpreter's main scope changed,
// though nothing ran: x := nosuch + 1 leaves nosuch behind as a type symbol
// with an incomplete type (it then evaluates to some other variable's value,
// and assigning it crashes the interpreter); lines := f(badArgs) leaves
// lines declared as nil; and x := f(badArgs), for an x defined earlier,
// loses x's value. The session takes the main scope before each compilation
// and, when it fails, puts it back as it was: names added are removed and
// the symbols of names that existed get their earlier contents back.
// yaegi v0.16.1 keeps the scope in unexported fields, read here by
// reflection: Interpreter.mutex and Interpreter.scopes["main"].sym, a map of
// names to *symbol; if their shape differs, nothing is done.

// mainScope returns the symbol map of the interpreter's main scope and the
// interpreter's mutex, or ok false when they cannot be reached.
func mainScope(in *interp.Interpreter) (syms reflect.Value, mu *sync.RWMutex, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	iv := reflect.ValueOf(in).Elem()
	m := iv.FieldByName("mutex")
	if m.Type() != reflect.TypeFor[sync.RWMutex]() {
		return reflect.Value{}, nil, false
	}
	mu = (*sync.RWMutex)(unsafe.Pointer(m.UnsafeAddr()))
	scopes := iv.FieldByName("scopes")
	scopes = reflect.NewAt(scopes.Type(), unsafe.Pointer(scopes.UnsafeAddr())).Elem()
	sc := scopes.MapIndex(reflect.ValueOf("main"))
	if !sc.IsValid() || sc.IsNil() {
		return reflect.Value{}, nil, false
	}
	syms = sc.Elem().FieldByName("sym")
	syms = reflect.NewAt(syms.Type(), unsafe.Pointer(syms.UnsafeAddr())).Elem()
	if syms.Kind() != reflect.Map || syms.IsNil() {
		return reflect.Value{}, nil, false
	}
	return syms, mu, true
}

// scopeSnapshot is the interpreter's main scope at one moment: the symbol
// each name pointed to and a copy of that symbol's contents.
type scopeSnapshot struct {
	ptrs  map[string]reflect.Value
	saved map[string]reflect.Value
}

// takeScope returns the main scope as it is now, or nil when it cannot be
// reached.
func takeScope(in *interp.Interpreter) (snap *scopeSnapshot) {
	defer func() {
		if recover() != nil {
			snap = nil
		}
	}()
	syms, mu, ok := mainScope(in)
	if !ok {
		return nil
	}
	mu.RLock()
	defer mu.RUnlock()
	snap = &scopeSnapshot{ptrs: map[string]reflect.Value{}, saved: map[string]reflect.Value{}}
	for _, k := range syms.MapKeys() {
		p := syms.MapIndex(k)
		snap.ptrs[k.String()] = p
		if p.Kind() == reflect.Pointer && !p.IsNil() {
			c := reflect.New(p.Type().Elem()).Elem()
			c.Set(p.Elem())
			snap.saved[k.String()] = c
		}
	}
	return snap
}

// restore puts the main scope back as it was when snap was taken.
func (snap *scopeSnapshot) restore(in *interp.Interpreter) {
	if snap == nil {
		return
	}
	syms, mu, ok := mainScope(in)
	if !ok {
		return
	}
	defer func() { recover() }()
	mu.Lock()
	defer mu.Unlock()
	for _, k := range syms.MapKeys() {
		if _, ok := snap.ptrs[k.String()]; !ok {
			syms.SetMapIndex(k, reflect.Value{})
		}
	}
	for name, p := range snap.ptrs {
		syms.SetMapIndex(reflect.ValueOf(name).Convert(syms.Type().Key()), p)
		if c, ok := snap.saved[name]; ok {
			p.Elem().Set(c)
		}
	}
}
