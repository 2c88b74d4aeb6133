package session

import (
	"fmt"
	"reflect"
	"sync"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// Releasing what an input no longer needs.
//
// yaegi runs the top-level statements of every input in the interpreter's
// global frame, and gives each intermediate value there (the result of a
// call, an operand) a slot of its own that no later input reuses. The slots
// keep their last values for the life of the interpreter: a cell such as
// engine.NewStreamingContext(...) or ssc.Start() leaves the context it made
// reachable after it stopped, with everything it still holds, and a session
// that creates and stops hundreds of contexts grows without bound.
//
// After each input the session therefore resets the global frame's slots
// that no symbol has ever named (the intermediate values of inputs that have
// returned) to fresh zero values of their types, and drops the syntax trees
// yaegi keeps of every input for its debugger, which the session does not use. Slots of variables stay,
// also those of a variable an input declared again (functions declared
// before the new declaration still use the old variable, as in Go). yaegi
// offers no API for this; releaser reaches the frame and the scopes through
// reflection on the interpreter's unexported fields (yaegi v0.16.1's
// Interpreter.frame.data, Interpreter.scopes[*].sym[*].index and
// Interpreter.roots), checked
// once: on any other layout it does nothing and says why (docs/dependencies.md).

type releaser struct {
	ok     bool
	why    string       // why releasing is off, when !ok
	named  map[int]bool // global slots a symbol has named, ever
	frame  func(*interp.Interpreter) (*sync.RWMutex, *[]reflect.Value)
	scopes func(*interp.Interpreter) reflect.Value
	roots  func(*interp.Interpreter) reflect.Value // the parsed inputs, kept only for yaegi's debugger
}

func newReleaser() *releaser {
	r := &releaser{named: map[int]bool{}}
	it := reflect.TypeOf(interp.Interpreter{})
	ff, ok1 := it.FieldByName("frame")
	sf, ok2 := it.FieldByName("scopes")
	if !ok1 || !ok2 || ff.Type.Kind() != reflect.Pointer || sf.Type.Kind() != reflect.Map {
		r.why = "the interpreter has no frame pointer and scopes map"
		return r
	}
	ft := ff.Type.Elem()
	df, ok1 := ft.FieldByName("data")
	mf, ok2 := ft.FieldByName("mutex")
	if !ok1 || !ok2 || df.Type != reflect.TypeOf([]reflect.Value(nil)) || mf.Type != reflect.TypeOf(sync.RWMutex{}) {
		r.why = "the interpreter's frame has no data slice and mutex"
		return r
	}
	st := sf.Type.Elem() // *scope
	if st.Kind() != reflect.Pointer {
		r.why = "scopes are not pointers"
		return r
	}
	symf, ok := st.Elem().FieldByName("sym")
	if !ok || symf.Type.Kind() != reflect.Map || symf.Type.Elem().Kind() != reflect.Pointer {
		r.why = "a scope has no symbol map"
		return r
	}
	idxf, ok1 := symf.Type.Elem().Elem().FieldByName("index")
	glf, ok2 := symf.Type.Elem().Elem().FieldByName("global")
	if !ok1 || !ok2 || idxf.Type.Kind() != reflect.Int || glf.Type.Kind() != reflect.Bool {
		r.why = "a symbol has no index and global flag"
		return r
	}
	rf, ok := it.FieldByName("roots")
	if !ok || rf.Type.Kind() != reflect.Slice {
		r.why = "the interpreter has no roots slice"
		return r
	}
	r.roots = func(in *interp.Interpreter) reflect.Value {
		return reflect.NewAt(rf.Type, unsafe.Add(unsafe.Pointer(in), rf.Offset)).Elem()
	}
	r.frame = func(in *interp.Interpreter) (*sync.RWMutex, *[]reflect.Value) {
		p := *(*unsafe.Pointer)(unsafe.Add(unsafe.Pointer(in), ff.Offset))
		if p == nil {
			return nil, nil
		}
		return (*sync.RWMutex)(unsafe.Add(p, mf.Offset)), (*[]reflect.Value)(unsafe.Add(p, df.Offset))
	}
	r.scopes = func(in *interp.Interpreter) reflect.Value {
		return reflect.NewAt(sf.Type, unsafe.Add(unsafe.Pointer(in), sf.Offset)).Elem()
	}
	r.ok = true
	return r
}

// release resets the global slots of in that no symbol has named. Call it
// between inputs, never while one runs.
func (r *releaser) release(in *interp.Interpreter) (n int) {
	if !r.ok || in == nil {
		return 0
	}
	defer func() {
		if p := recover(); p != nil {
			r.ok, r.why = false, fmt.Sprint("releasing temporaries: ", p)
			n = 0
		}
	}()
	scopes := r.scopes(in)
	for it := scopes.MapRange(); it.Next(); {
		sc := it.Value()
		if sc.IsNil() {
			continue
		}
		syms := sc.Elem().FieldByName("sym")
		for st := syms.MapRange(); st.Next(); {
			sym := st.Value()
			if sym.IsNil() {
				continue
			}
			if i := int(sym.Elem().FieldByName("index").Int()); i >= 0 && sym.Elem().FieldByName("global").Bool() {
				r.named[i] = true
			}
		}
	}
	// The syntax trees of past inputs, which yaegi keeps for its debugger
	// alone: what they declared stays reachable through its symbols.
	if roots := r.roots(in); roots.Len() > 0 {
		roots.Set(reflect.Zero(roots.Type()))
	}
	mu, data := r.frame(in)
	if data == nil {
		return 0
	}
	mu.Lock()
	defer mu.Unlock()
	for i, v := range *data {
		if r.named[i] || !v.IsValid() || v.IsZero() {
			continue
		}
		(*data)[i] = reflect.New(v.Type()).Elem()
		n++
	}
	return n
}
