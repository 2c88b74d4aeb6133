package session

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/traefik/yaegi/interp"

	"github.com/gostream/gostream/engine"
	gsstdlib "github.com/gostream/gostream/stdlib"
)

// Interpreted listeners and the engine's optional listener interfaces.
//
// The interpreter hands compiled code an interpreted value as a wrapper
// that implements exactly the interface it was converted to: an
// interpreted listener passed to AddStreamingListener becomes a
// StreamingListener and nothing more, so the engine never sees its
// OnBatchStarted or OnReceiverError. For every interpreted type that
// declares methods, the session therefore compiles, for each optional
// listener interface of package engine (found by reflection, so that new
// ones are covered) that the type or its pointer implements, a conversion
// func(v T) engine.I { return v }; every session context gets, as a
// listener's views (engine.StreamingContext.SetListenerViews), the
// conversions of the value inside the wrapper. Interpreted types are known
// to compiled code by their reflect type, which two interpreted struct types
// with identical fields share: the later declared type's methods then win,
// as for String methods (see registerStringer).

// engineAlias is the name the session imports package engine by for its
// own code, which a user's engine variable cannot shadow.
const engineAlias = "__gostreamEngine"

// optionalListeners returns the names of the engine's listener interfaces
// other than StreamingListener, sorted.
func optionalListeners() []string {
	var names []string
	for name, v := range gsstdlib.Symbols["github.com/gostream/gostream/engine/engine"] {
		if strings.HasPrefix(name, "_") || !strings.HasSuffix(name, "Listener") || name == "StreamingListener" {
			continue
		}
		if t := v.Type(); t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Interface {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// useEngineAlias imports package engine as engineAlias.
func useEngineAlias(in *interp.Interpreter) error {
	_, err := in.Eval(fmt.Sprintf("import %s %q", engineAlias, enginePath))
	return err
}

// registerListenerViews compiles the conversions of the interpreted type
// typ, and of *typ, to the optional listener interfaces they implement.
func (s *Session) registerListenerViews(in *interp.Interpreter, typ string) {
	for _, recv := range []string{"*" + typ, typ} {
		for _, name := range optionalListeners() {
			f, err := s.convFunc(in, fmt.Sprintf("func(v %s) %s.%s { return v }", recv, engineAlias, name))
			// The value may come boxed, as a pointer to an interface.
			for err == nil && f.IsValid() && (f.Kind() == reflect.Pointer || f.Kind() == reflect.Interface) && !f.IsNil() {
				f = f.Elem()
			}
			if err != nil || !f.IsValid() || f.Kind() != reflect.Func || f.Type().NumIn() != 1 {
				continue
			}
			t := f.Type().In(0)
			s.mu.Lock()
			if s.listenerConv == nil {
				s.listenerConv = map[reflect.Type]map[string]reflect.Value{}
			}
			if s.listenerConv[t] == nil {
				s.listenerConv[t] = map[string]reflect.Value{}
			}
			s.listenerConv[t][name] = f
			s.mu.Unlock()
		}
	}
}

// listenerViews is every session context's engine.SetListenerViews
// function: for an interpreter's wrapper of an interpreted listener, the
// listener converted to each optional interface its type implements.
func (s *Session) listenerViews(l engine.StreamingListener) []any {
	rv := reflect.ValueOf(l)
	if rv.Kind() != reflect.Struct || rv.NumField() == 0 || rv.Type().Field(0).Name != "IValue" {
		return nil
	}
	v := rv.Field(0)
	if v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	if !v.IsValid() {
		return nil
	}
	s.mu.Lock()
	convs := s.listenerConv[v.Type()]
	fs := make([]reflect.Value, 0, len(convs))
	for _, f := range convs {
		fs = append(fs, f)
	}
	s.mu.Unlock()
	var views []any
	for _, f := range fs {
		if out := f.Call([]reflect.Value{v})[0]; !out.IsNil() {
			views = append(views, out.Interface())
		}
	}
	return views
}

// convFunc compiles the function literal lit, as registerStringer does:
// bound to a variable, then read back.
func (s *Session) convFunc(in *interp.Interpreter, lit string) (f reflect.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = reflect.Value{}, fmt.Errorf("%v", r)
		}
	}()
	const name = "__gostreamListenerConv"
	if _, err := in.Eval("var " + name + " = " + lit); err != nil {
		return reflect.Value{}, err
	}
	return in.Eval(name)
}
