package session

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/gostream/gostream/engine"
	"github.com/traefik/yaegi/interp"
)

// record notes what an evaluated chunk declared, for completion and for
// the formatter.
func (s *Session) record(in *interp.Interpreter, c chunk, text string) {
	switch c.kind {
	case importChunk:
		s.mu.Lock()
		for k, v := range importedNames(text) {
			s.imports[k] = v
		}
		s.mu.Unlock()
	case declChunk:
		names, stringers := declaredNames(text)
		s.mu.Lock()
		for _, n := range names {
			s.names[n] = true
		}
		s.mu.Unlock()
		for typ, ptr := range stringers {
			s.registerStringer(in, typ, ptr)
		}
		for typ, ms := range declaredMethods(text) {
			s.registerMethods(in, typ, ms)
			s.registerListenerViews(in, typ)
		}
	}
}

// registerMethods notes the methods of an interpreted type, which reflect
// cannot list, for completion: they are found by the reflect type of the
// type's zero value.
func (s *Session) registerMethods(in *interp.Interpreter, typ string, methods []string) {
	v, err := s.quietEval(in, "*new("+typ+")")
	if err != nil || !v.IsValid() {
		return
	}
	t := v.Type()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range methods {
		if !slices.Contains(s.methods[t], m) {
			s.methods[t] = append(s.methods[t], m)
		}
	}
}

// registerStringer makes the String method of the interpreted type typ
// callable from compiled code: the interpreter hands interpreted struct
// values to compiled code as plain reflect structs without methods, so the
// formatter looks up their type here. Only struct types are registered; two
// interpreted struct types with identical fields share one reflect type,
// and the later String method wins.
func (s *Session) registerStringer(in *interp.Interpreter, typ string, ptr bool) {
	defer func() { recover() }()
	recv := []string{"*" + typ}
	if !ptr {
		recv = append(recv, typ)
	}
	for _, r := range recv {
		name := "__gostreamString_" + strings.TrimPrefix(strings.ReplaceAll(r, "*", "P_"), "_")
		src := fmt.Sprintf("var %s = func(v %s) string { return v.String() }", name, r)
		if _, err := in.Eval(src); err != nil {
			continue
		}
		f, err := in.Eval(name)
		if err != nil || f.Kind() != reflect.Func || f.Type().NumIn() != 1 {
			continue
		}
		t := f.Type().In(0)
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
			if t.Kind() != reflect.Struct {
				continue
			}
			t = f.Type().In(0)
		} else if t.Kind() != reflect.Struct {
			continue
		}
		s.mu.Lock()
		s.stringers[t] = f
		s.mu.Unlock()
	}
}

// formatLeaf renders one value, calling the String method of interpreted
// types (see registerStringer) and fmt.Sprint otherwise. It is the
// formatter of every StreamingContext the session adopts.
func (s *Session) formatLeaf(v any) string {
	if v != nil {
		s.mu.Lock()
		f, ok := s.stringers[reflect.TypeOf(v)]
		s.mu.Unlock()
		if ok {
			out, err := callString(f, v)
			if err == nil {
				return out
			}
		}
	}
	return fmt.Sprint(v)
}

func isStringer(v any) bool {
	switch v.(type) {
	case fmt.Stringer, error:
		return true
	}
	return false
}

func callString(f reflect.Value, v any) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("String method panicked: %v", r)
		}
	}()
	return f.Call([]reflect.Value{reflect.ValueOf(v)})[0].String(), nil
}

// Format renders v for display the way Print renders elements: Pairs as
// (k,v), slices as [a b], and the String methods of interpreted types
// honoured.
func (s *Session) Format(v any) string {
	rv := reflect.ValueOf(v)
	switch {
	case rv.Kind() == reflect.Func:
		return rv.Type().String()
	case rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Type().Elem().Kind() == reflect.Struct &&
		rv.Type().Elem().Name() != "" && !isStringer(v):
		// A handle such as *engine.StreamingContext: its fields are the
		// engine's insides, and read while its goroutines write them.
		return fmt.Sprintf("(%s)(%p)", rv.Type(), v)
	}
	switch v.(type) {
	case engine.Pair, *engine.Pair, []any:
		return engine.FormatWith(v, s.formatLeaf)
	}
	return s.formatLeaf(v)
}
