package session

import (
	"reflect"
	"sync"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// A failed compilation that uses an undefined name where a type could be
// (x := nosuch + 1) leaves that name in the interpreter's main scope as a
// type symbol with an incomplete type: nosuch then compiles, evaluates to
// the value of some other variable, and its assignment crashes the
// interpreter. The session takes the names of the main scope before each
// compilation and, when it fails, removes the incomplete types it added.
// yaegi v0.16.1 keeps these in unexported fields, read here by reflection:
// Interpreter.scopes["main"].sym, symbol.kind (typeSym is 7),
// symbol.typ.incomplete; if their shape differs, nothing is done.

const yaegiTypeSym = 7

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

// scopeNames returns the names in the interpreter's main scope.
func scopeNames(in *interp.Interpreter) map[string]bool {
	syms, mu, ok := mainScope(in)
	if !ok {
		return nil
	}
	mu.RLock()
	defer mu.RUnlock()
	names := make(map[string]bool, syms.Len())
	for _, k := range syms.MapKeys() {
		names[k.String()] = true
	}
	return names
}

// forgetPhantomTypes removes from the main scope the incomplete type
// symbols that are not in before (see above).
func forgetPhantomTypes(in *interp.Interpreter, before map[string]bool) {
	if before == nil {
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
		if before[k.String()] {
			continue
		}
		sym := syms.MapIndex(k)
		if sym.Kind() != reflect.Pointer || sym.IsNil() {
			continue
		}
		sym = sym.Elem()
		kind, typ := sym.FieldByName("kind"), sym.FieldByName("typ")
		if kind.Kind() != reflect.Uint || kind.Uint() != yaegiTypeSym || typ.Kind() != reflect.Pointer || typ.IsNil() {
			continue
		}
		if inc := typ.Elem().FieldByName("incomplete"); inc.Kind() == reflect.Bool && inc.Bool() {
			syms.SetMapIndex(k, reflect.Value{})
		}
	}
}
