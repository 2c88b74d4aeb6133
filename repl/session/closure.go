package session

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"reflect"
	"sync"

	"github.com/gostream/gostream/engine"
)

// The closure compiler turns a function literal that user code passes to
// an engine operation into a typed Go closure of the literal's own func
// type (func(string) []string, func(string) engine.Pair, func(int, int)
// int, ...), the types the engine calls without reflection (engine/fn.go),
// when the literal stays within a subset:
//
//   - one or two parameters (two of the same type) and one result, of type
//     int, float64, string, bool, any or engine.Pair ([]string as the
//     result only);
//   - constants, arithmetic, comparisons, logical operators, unary - and !,
//     if/else, return, :=, =, op= and ++/-- on locals of those types;
//   - len of a string, conversions between int, float64 and string
//     (string(rune(n))), boxing to any, type assertions of any to those
//     types, engine.KV, the Key and Value of a Pair;
//   - calls to the compiled functions of the standard library and the
//     engine that take and give strings, ints and bools (strings.Fields,
//     strings.ToUpper, strconv.Itoa, ...);
//   - variables of type int, float64, string and bool that the literal
//     captures from the input around it: they are reached through
//     pointers taken when the literal is evaluated, so the closure sees
//     later assignments and its own assignments are seen, and a later
//     input that declares the name again makes a new variable that the
//     closure does not see.
//
// Anything else (a loop, a call of a function of the session, a map, a
// slice, a captured variable of another type) leaves the literal to the
// interpreter. Arithmetic is Go's own, so results and overflow are those
// of compiled Go; a panic (integer divide by zero, a failed type
// assertion, a compiled function's panic) keeps Go's value and message,
// prefixed by the line:col of the expression that panicked (file:line:col
// in a script), see closurePanic.
//
// A literal is compiled twice: once when its input is type-checked, to
// decide whether it is in the subset and what it captures, and again each
// time it is evaluated, with the captured variables' pointers. A compiled
// closure reads its parameters and captured variables and nothing of the
// interpreter: it runs on the engine's goroutines while the session
// evaluates the next input, race-free.

type kind int

const (
	kInvalid kind = iota
	kInt
	kFloat
	kString
	kBool
	kAny
	kPair
	kStrings // []string, only as the result of a compiled function and of the closure
)

const slots = 4 // per kind, parameters and locals together

// frame holds one call's parameters and locals, by kind, for closures
// that declare locals; the others read their parameters directly.
type frame struct {
	i [slots]int
	f [slots]float64
	s [slots]string
	b [slots]bool
	a [slots]any
	p [slots]engine.Pair
}

var frames = sync.Pool{New: func() any { return new(frame) }}

// expr is a compiled expression over the environment E (a *frame, the
// parameter itself, or an array of the two parameters): the field of its
// kind is set.
type expr[E any] struct {
	k kind
	i func(E) int
	f func(E) float64
	s func(E) string
	b func(E) bool
	a func(E) any
	p func(E) engine.Pair
	l func(E) []string
	// konst is the value of a constant expression, boxed once.
	konst any
	// env is set when the expression is the environment itself (the
	// parameter of a closure of one parameter without locals).
	env bool
	// pair is 1 or 2 when the expression is the first or second parameter
	// of a closure of two int parameters without locals, x[0] or x[1].
	pair int
}

// fn returns the func of e's kind.
func (e expr[E]) fn() any {
	switch e.k {
	case kInt:
		return e.i
	case kFloat:
		return e.f
	case kString:
		return e.s
	case kBool:
		return e.b
	case kAny:
		return e.a
	case kPair:
		return e.p
	case kStrings:
		return e.l
	}
	return nil
}

// of makes the expression of the func f, which is a func(E) of one of the
// kinds.
func of[E any](f any) expr[E] {
	switch g := f.(type) {
	case func(E) int:
		return expr[E]{k: kInt, i: g}
	case func(E) float64:
		return expr[E]{k: kFloat, f: g}
	case func(E) string:
		return expr[E]{k: kString, s: g}
	case func(E) bool:
		return expr[E]{k: kBool, b: g}
	case func(E) any:
		return expr[E]{k: kAny, a: g}
	case func(E) engine.Pair:
		return expr[E]{k: kPair, p: g}
	case func(E) []string:
		return expr[E]{k: kStrings, l: g}
	}
	return expr[E]{}
}

type slot struct {
	k kind
	n int
}

// enginePath is the engine package's import path.
var enginePath = reflect.TypeFor[engine.Pair]().PkgPath()

// isKV reports whether fn is engine.KV.
func isKV(fn *types.Func) bool { return fn.Pkg().Path() == enginePath && fn.Name() == "KV" }

func kindOf(t types.Type) kind {
	if t == nil {
		return kInvalid
	}
	if named, ok := t.(*types.Named); ok {
		if obj := named.Obj(); obj.Pkg() != nil && obj.Pkg().Path() == enginePath && obj.Name() == "Pair" {
			return kPair
		}
		return kInvalid
	}
	if _, ok := t.(*types.Alias); ok {
		return kindOf(types.Unalias(t))
	}
	switch u := t.(type) {
	case *types.Basic:
		switch u.Kind() {
		case types.Int, types.UntypedInt:
			return kInt
		case types.Float64, types.UntypedFloat:
			return kFloat
		case types.String, types.UntypedString:
			return kString
		case types.Bool, types.UntypedBool:
			return kBool
		}
	case *types.Interface:
		if u.Empty() {
			return kAny
		}
	case *types.Slice:
		if b, ok := u.Elem().(*types.Basic); ok && b.Kind() == types.String {
			return kStrings
		}
	}
	return kInvalid
}

// closureSite is what the compiler needs of a literal: its types and how
// to name a position of it.
type closureSite struct {
	lit  *ast.FuncLit
	info *types.Info
	// pos says where p is, as errors say it: "3:7", "prog.go:12:9".
	pos func(p token.Pos) string
}

// compiler compiles the expressions of one literal over the environment E.
type compiler[E any] struct {
	site  closureSite
	frame bool // E is *frame; locals allowed
	// param reads parameter n in an environment that is not a frame.
	param func(n int) any
	vars  map[types.Object]slot
	next  [kStrings + 1]int
	// The captured variables in order of first use, and their pointers
	// (made up when the literal is checked, not evaluated).
	caps    []types.Object
	capPtrs []any
	given   []any
	// needFrame is set when the literal declares locals and E is not a
	// frame: it is compiled again with one.
	needFrame bool
	failed    bool
}

func (c *compiler[E]) fail() { c.failed = true }

func (c *compiler[E]) declare(obj types.Object) (slot, bool) {
	k := kindOf(obj.Type())
	if k == kInvalid || k == kStrings || c.next[k] >= slots {
		return slot{}, false
	}
	sl := slot{k, c.next[k]}
	c.next[k]++
	c.vars[obj] = sl
	return sl, true
}

// read is the expression that reads the parameter or local sl.
func (c *compiler[E]) read(sl slot) expr[E] {
	if !c.frame {
		e := of[E](c.param(sl.n))
		_, e.env = e.fn().(func(E) E)
		if _, ok := any(e.fn()).(func([2]int) int); ok {
			e.pair = sl.n + 1
		}
		return e
	}
	n := sl.n
	var f any
	switch sl.k {
	case kInt:
		f = func(fr *frame) int { return fr.i[n] }
	case kFloat:
		f = func(fr *frame) float64 { return fr.f[n] }
	case kString:
		f = func(fr *frame) string { return fr.s[n] }
	case kBool:
		f = func(fr *frame) bool { return fr.b[n] }
	case kAny:
		f = func(fr *frame) any { return fr.a[n] }
	case kPair:
		f = func(fr *frame) engine.Pair { return fr.p[n] }
	}
	return of[E](f)
}

// capture returns the pointer through which the literal reaches the
// variable obj of the input around it.
func (c *compiler[E]) capture(obj types.Object) (any, kind, bool) {
	v, ok := obj.(*types.Var)
	if !ok || v.IsField() || v.Pkg() == nil || v.Pkg().Path() != "main" {
		return nil, kInvalid, false
	}
	k := kindOf(v.Type())
	if _, basic := v.Type().(*types.Basic); !basic {
		return nil, kInvalid, false
	}
	i := -1
	for j, o := range c.caps {
		if o == obj {
			i = j
		}
	}
	if i < 0 {
		var p any
		switch k {
		case kInt:
			p = new(int)
		case kFloat:
			p = new(float64)
		case kString:
			p = new(string)
		case kBool:
			p = new(bool)
		default:
			return nil, kInvalid, false
		}
		i = len(c.caps)
		c.caps = append(c.caps, obj)
		if i < len(c.given) {
			p = c.given[i]
		}
		c.capPtrs = append(c.capPtrs, p)
	}
	return c.capPtrs[i], k, true
}

func (c *compiler[E]) expr(x ast.Expr) expr[E] {
	if c.failed {
		return expr[E]{}
	}
	info := c.site.info
	tv := info.Types[x]
	k := kindOf(tv.Type)
	if tv.Value != nil {
		return c.constant(tv.Value, k)
	}
	switch x := x.(type) {
	case *ast.ParenExpr:
		return c.expr(x.X)
	case *ast.Ident:
		obj := info.Uses[x]
		if sl, ok := c.vars[obj]; ok {
			return c.read(sl)
		}
		p, _, ok := c.capture(obj)
		if !ok {
			break // a name of the session that is not a variable of a basic type
		}
		switch p := p.(type) {
		case *int:
			return expr[E]{k: kInt, i: func(E) int { return *p }}
		case *float64:
			return expr[E]{k: kFloat, f: func(E) float64 { return *p }}
		case *string:
			return expr[E]{k: kString, s: func(E) string { return *p }}
		case *bool:
			return expr[E]{k: kBool, b: func(E) bool { return *p }}
		}
	case *ast.BinaryExpr:
		return c.binary(x.Op, c.expr(x.X), c.expr(x.Y), x.Pos())
	case *ast.UnaryExpr:
		e := c.expr(x.X)
		switch {
		case x.Op == token.SUB && e.k == kInt:
			return expr[E]{k: kInt, i: func(v E) int { return -e.i(v) }}
		case x.Op == token.SUB && e.k == kFloat:
			return expr[E]{k: kFloat, f: func(v E) float64 { return -e.f(v) }}
		case x.Op == token.ADD && (e.k == kInt || e.k == kFloat):
			return e
		case x.Op == token.NOT && e.k == kBool:
			return expr[E]{k: kBool, b: func(v E) bool { return !e.b(v) }}
		}
	case *ast.SelectorExpr:
		if sel := info.Selections[x]; sel != nil && sel.Kind() == types.FieldVal {
			p := c.expr(x.X)
			if p.k == kPair {
				switch x.Sel.Name {
				case "Key":
					return expr[E]{k: kAny, a: func(v E) any { return p.p(v).Key }}
				case "Value":
					return expr[E]{k: kAny, a: func(v E) any { return p.p(v).Value }}
				}
			}
		}
	case *ast.TypeAssertExpr:
		e := c.expr(x.X)
		if e.k != kAny || x.Type == nil {
			break
		}
		return assertion(e, k, c.site.pos(x.Pos()))
	case *ast.CallExpr:
		return c.call(x, k)
	}
	c.fail()
	return expr[E]{}
}

// assertion is e.(T) for the T of kind k; a failed one panics with Go's
// *runtime.TypeAssertionError at pos.
func assertion[E any](e expr[E], k kind, pos string) expr[E] {
	switch k {
	case kInt:
		return expr[E]{k: kInt, i: func(v E) int { return assert[int](e.a(v), pos) }}
	case kFloat:
		return expr[E]{k: kFloat, f: func(v E) float64 { return assert[float64](e.a(v), pos) }}
	case kString:
		return expr[E]{k: kString, s: func(v E) string { return assert[string](e.a(v), pos) }}
	case kBool:
		return expr[E]{k: kBool, b: func(v E) bool { return assert[bool](e.a(v), pos) }}
	case kPair:
		return expr[E]{k: kPair, p: func(v E) engine.Pair { return assert[engine.Pair](e.a(v), pos) }}
	}
	return expr[E]{k: kInvalid}
}

func assert[T any](x any, pos string) T {
	v, ok := x.(T)
	if !ok {
		panic(&closurePanic{Pos: pos, Value: recovered(func() { _ = x.(T) })})
	}
	return v
}

// recovered runs f and returns what it panicked with.
func recovered(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return nil
}

// errDivide is Go's own runtime error for an integer division by zero.
var errDivide = recovered(func() {
	zero := 0
	_ = 1 / zero
})

// closurePanic is what a compiled closure panics with: Go's panic value,
// at the position of the expression that panicked.
type closurePanic struct {
	Pos   string // "3:7", "prog.go:12:9"
	Value any
}

func (p *closurePanic) Error() string { return p.Pos + ": " + fmt.Sprint(p.Value) }

func (p *closurePanic) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}

func (c *compiler[E]) constant(v constant.Value, k kind) expr[E] {
	switch k {
	case kInt:
		n, ok := constant.Int64Val(constant.ToInt(v))
		if !ok {
			break
		}
		x := int(n)
		return expr[E]{k: kInt, i: func(E) int { return x }, konst: x}
	case kFloat:
		f, _ := constant.Float64Val(constant.ToFloat(v))
		return expr[E]{k: kFloat, f: func(E) float64 { return f }, konst: f}
	case kString:
		s := constant.StringVal(v)
		return expr[E]{k: kString, s: func(E) string { return s }, konst: s}
	case kBool:
		b := constant.BoolVal(v)
		return expr[E]{k: kBool, b: func(E) bool { return b }, konst: b}
	}
	c.fail()
	return expr[E]{}
}

// convert makes e of kind k: an assignment to any boxes the value.
func (c *compiler[E]) convert(e expr[E], k kind) expr[E] {
	if c.failed || e.k == k {
		return e
	}
	if k == kAny && e.k != kStrings {
		return expr[E]{k: kAny, a: boxed(e)}
	}
	c.fail()
	return expr[E]{}
}

func boxed[E any](e expr[E]) func(E) any {
	if e.konst != nil {
		v := e.konst
		return func(E) any { return v }
	}
	if e.env {
		return func(v E) any { return v }
	}
	switch e.k {
	case kInt:
		return func(v E) any { return e.i(v) }
	case kFloat:
		return func(v E) any { return e.f(v) }
	case kString:
		return func(v E) any { return e.s(v) }
	case kBool:
		return func(v E) any { return e.b(v) }
	case kPair:
		return func(v E) any { return e.p(v) }
	case kAny:
		return e.a
	}
	return nil
}
