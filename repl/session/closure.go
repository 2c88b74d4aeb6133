package session

import (
	"context"
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gostream/gostream/engine"
	"github.com/traefik/yaegi/interp"
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

func kindOf(t types.Type) kind {
	if t == nil {
		return kInvalid
	}
	if named, ok := t.(*types.Named); ok {
		if obj := named.Obj(); obj.Pkg() != nil && obj.Pkg().Path() == "github.com/gostream/gostream/engine" && obj.Name() == "Pair" {
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

// binary compiles l op r; pos is where the expression starts.
func (c *compiler[E]) binary(op token.Token, l, r expr[E], pos token.Pos) expr[E] {
	if c.failed {
		return expr[E]{}
	}
	if op == token.LAND || op == token.LOR {
		if l.k != kBool || r.k != kBool {
			c.fail()
			return expr[E]{}
		}
		a, b := l.b, r.b
		if op == token.LAND {
			return expr[E]{k: kBool, b: func(v E) bool { return a(v) && b(v) }}
		}
		return expr[E]{k: kBool, b: func(v E) bool { return a(v) || b(v) }}
	}
	if l.k != r.k {
		c.fail()
		return expr[E]{}
	}
	if l.pair > 0 && r.pair > 0 {
		// a + b over the two parameters, the reduce functions'.
		if f := pairOp(op, l.pair-1, r.pair-1); f != nil {
			if g, ok := f.(func(E) int); ok {
				return expr[E]{k: kInt, i: g}
			}
		}
	}
	switch l.k {
	case kInt:
		a, b := l.i, r.i
		switch op {
		case token.ADD:
			return expr[E]{k: kInt, i: func(v E) int { return a(v) + b(v) }}
		case token.SUB:
			return expr[E]{k: kInt, i: func(v E) int { return a(v) - b(v) }}
		case token.MUL:
			return expr[E]{k: kInt, i: func(v E) int { return a(v) * b(v) }}
		case token.QUO, token.REM:
			where := c.site.pos(pos)
			if op == token.QUO {
				return expr[E]{k: kInt, i: func(v E) int {
					x, y := a(v), b(v)
					if y == 0 {
						panic(&closurePanic{Pos: where, Value: errDivide})
					}
					return x / y
				}}
			}
			return expr[E]{k: kInt, i: func(v E) int {
				x, y := a(v), b(v)
				if y == 0 {
					panic(&closurePanic{Pos: where, Value: errDivide})
				}
				return x % y
			}}
		case token.EQL:
			return expr[E]{k: kBool, b: func(v E) bool { return a(v) == b(v) }}
		case token.NEQ:
			return expr[E]{k: kBool, b: func(v E) bool { return a(v) != b(v) }}
		case token.LSS:
			return expr[E]{k: kBool, b: func(v E) bool { return a(v) < b(v) }}
		case token.LEQ:
			return expr[E]{k: kBool, b: func(v E) bool { return a(v) <= b(v) }}
		case token.GTR:
			return expr[E]{k: kBool, b: func(v E) bool { return a(v) > b(v) }}
		case token.GEQ:
			return expr[E]{k: kBool, b: func(v E) bool { return a(v) >= b(v) }}
		}
	case kFloat:
		a, b := l.f, r.f
		switch op {
		case token.ADD:
			return expr[E]{k: kFloat, f: func(v E) float64 { return a(v) + b(v) }}
		case token.SUB:
			return expr[E]{k: kFloat, f: func(v E) float64 { return a(v) - b(v) }}
		case token.MUL:
			return expr[E]{k: kFloat, f: func(v E) float64 { return a(v) * b(v) }}
		case token.QUO:
			return expr[E]{k: kFloat, f: func(v E) float64 { return a(v) / b(v) }}
		case token.EQL:
			return expr[E]{k: kBool, b: func(v E) bool { return a(v) == b(v) }}
		case token.NEQ:
			return expr[E]{k: kBool, b: func(v E) bool { return a(v) != b(v) }}
		case token.LSS:
			return expr[E]{k: kBool, b: func(v E) bool { return a(v) < b(v) }}
		case token.LEQ:
			return expr[E]{k: kBool, b: func(v E) bool { return a(v) <= b(v) }}
		case token.GTR:
			return expr[E]{k: kBool, b: func(v E) bool { return a(v) > b(v) }}
		case token.GEQ:
			return expr[E]{k: kBool, b: func(v E) bool { return a(v) >= b(v) }}
		}
	case kString:
		a, b := l.s, r.s
		switch op {
		case token.ADD:
			return expr[E]{k: kString, s: func(v E) string { return a(v) + b(v) }}
		case token.EQL:
			return expr[E]{k: kBool, b: func(v E) bool { return a(v) == b(v) }}
		case token.NEQ:
			return expr[E]{k: kBool, b: func(v E) bool { return a(v) != b(v) }}
		case token.LSS:
			return expr[E]{k: kBool, b: func(v E) bool { return a(v) < b(v) }}
		case token.LEQ:
			return expr[E]{k: kBool, b: func(v E) bool { return a(v) <= b(v) }}
		case token.GTR:
			return expr[E]{k: kBool, b: func(v E) bool { return a(v) > b(v) }}
		case token.GEQ:
			return expr[E]{k: kBool, b: func(v E) bool { return a(v) >= b(v) }}
		}
	case kBool:
		a, b := l.b, r.b
		switch op {
		case token.EQL:
			return expr[E]{k: kBool, b: func(v E) bool { return a(v) == b(v) }}
		case token.NEQ:
			return expr[E]{k: kBool, b: func(v E) bool { return a(v) != b(v) }}
		}
	}
	c.fail()
	return expr[E]{}
}

// pairOp is x[i] op x[j] over the two int parameters x, for + - *.
func pairOp(op token.Token, i, j int) any {
	switch op {
	case token.ADD:
		return func(x [2]int) int { return x[i] + x[j] }
	case token.SUB:
		return func(x [2]int) int { return x[i] - x[j] }
	case token.MUL:
		return func(x [2]int) int { return x[i] * x[j] }
	}
	return nil
}

func (c *compiler[E]) call(x *ast.CallExpr, k kind) expr[E] {
	info := c.site.info
	if x.Ellipsis.IsValid() {
		c.fail()
		return expr[E]{}
	}
	tv := info.Types[x.Fun]
	if tv.IsType() && len(x.Args) == 1 {
		// A conversion; string(rune(n)) is the one through rune.
		if inner, ok := x.Args[0].(*ast.CallExpr); ok && k == kString && len(inner.Args) == 1 {
			if it := info.Types[inner.Fun]; it.IsType() && types.Identical(it.Type, types.Typ[types.Int32]) {
				e := c.expr(inner.Args[0])
				if e.k == kInt {
					return expr[E]{k: kString, s: func(v E) string { return string(rune(e.i(v))) }}
				}
			}
		}
		e := c.expr(x.Args[0])
		switch {
		case c.failed:
		case k == e.k:
			return e
		case k == kInt && e.k == kFloat:
			return expr[E]{k: kInt, i: func(v E) int { return int(e.f(v)) }}
		case k == kFloat && e.k == kInt:
			return expr[E]{k: kFloat, f: func(v E) float64 { return float64(e.i(v)) }}
		case k == kAny && e.k != kStrings:
			return expr[E]{k: kAny, a: boxed(e)}
		}
		c.fail()
		return expr[E]{}
	}
	if id, ok := x.Fun.(*ast.Ident); ok && len(x.Args) == 1 {
		if b, ok := info.Uses[id].(*types.Builtin); ok && b.Name() == "len" {
			e := c.expr(x.Args[0])
			if e.k == kString {
				return expr[E]{k: kInt, i: func(v E) int { return len(e.s(v)) }}
			}
		}
		c.fail()
		return expr[E]{}
	}
	sel, ok := x.Fun.(*ast.SelectorExpr)
	if !ok {
		c.fail()
		return expr[E]{}
	}
	if _, isPkg := info.Uses[identOf(sel.X)].(*types.PkgName); !isPkg {
		c.fail() // a method
		return expr[E]{}
	}
	fn, _ := info.Uses[sel.Sel].(*types.Func)
	if fn == nil || fn.Pkg() == nil {
		c.fail()
		return expr[E]{}
	}
	var args []expr[E]
	for _, a := range x.Args {
		args = append(args, c.expr(a))
	}
	if c.failed {
		return expr[E]{}
	}
	if fn.Pkg().Path() == "github.com/gostream/gostream/engine" && fn.Name() == "KV" && len(args) == 2 {
		key, val := boxed(args[0]), boxed(args[1])
		if k := args[1].konst; k != nil && args[0].env {
			// KV(w, 1), the word count's.
			return expr[E]{k: kPair, p: func(v E) engine.Pair { return engine.KV(v, k) }}
		}
		return expr[E]{k: kPair, p: func(v E) engine.Pair { return engine.KV(key(v), val(v)) }}
	}
	f, ok := compiledFunc(fn)
	if !ok {
		c.fail()
		return expr[E]{}
	}
	pos := c.site.pos(x.Pos())
	switch g := f.(type) {
	case func(string) string:
		if len(args) == 1 && args[0].k == kString {
			a := args[0].s
			return expr[E]{k: kString, s: func(v E) string { defer at(pos); return g(a(v)) }}
		}
	case func(string) []string:
		if len(args) == 1 && args[0].k == kString {
			a := args[0].s
			return expr[E]{k: kStrings, l: func(v E) []string { defer at(pos); return g(a(v)) }}
		}
	case func(string) int:
		if len(args) == 1 && args[0].k == kString {
			a := args[0].s
			return expr[E]{k: kInt, i: func(v E) int { defer at(pos); return g(a(v)) }}
		}
	case func(int) string:
		if len(args) == 1 && args[0].k == kInt {
			a := args[0].i
			return expr[E]{k: kString, s: func(v E) string { defer at(pos); return g(a(v)) }}
		}
	case func(string, string) bool:
		if len(args) == 2 && args[0].k == kString && args[1].k == kString {
			a, b := args[0].s, args[1].s
			return expr[E]{k: kBool, b: func(v E) bool { defer at(pos); return g(a(v), b(v)) }}
		}
	case func(string, string) int:
		if len(args) == 2 && args[0].k == kString && args[1].k == kString {
			a, b := args[0].s, args[1].s
			return expr[E]{k: kInt, i: func(v E) int { defer at(pos); return g(a(v), b(v)) }}
		}
	case func(string, string) string:
		if len(args) == 2 && args[0].k == kString && args[1].k == kString {
			a, b := args[0].s, args[1].s
			return expr[E]{k: kString, s: func(v E) string { defer at(pos); return g(a(v), b(v)) }}
		}
	case func(string, string) []string:
		if len(args) == 2 && args[0].k == kString && args[1].k == kString {
			a, b := args[0].s, args[1].s
			return expr[E]{k: kStrings, l: func(v E) []string { defer at(pos); return g(a(v), b(v)) }}
		}
	case func(string, int) string:
		if len(args) == 2 && args[0].k == kString && args[1].k == kInt {
			a, b := args[0].s, args[1].i
			return expr[E]{k: kString, s: func(v E) string { defer at(pos); return g(a(v), b(v)) }}
		}
	case func(int, int) int:
		if len(args) == 2 && args[0].k == kInt && args[1].k == kInt {
			a, b := args[0].i, args[1].i
			return expr[E]{k: kInt, i: func(v E) int { defer at(pos); return g(a(v), b(v)) }}
		}
	}
	c.fail()
	return expr[E]{}
}

// at, deferred, gives a panic that is not yet placed the position pos.
func at(pos string) {
	if r := recover(); r != nil {
		if _, placed := r.(*closurePanic); placed {
			panic(r)
		}
		panic(&closurePanic{Pos: pos, Value: r})
	}
}

func identOf(x ast.Expr) *ast.Ident {
	id, _ := x.(*ast.Ident)
	return id
}

// compiledFunc returns the compiled function fn names, from the
// interpreter's symbol tables.
func compiledFunc(fn *types.Func) (any, bool) {
	sp, ok := symbols().syms[fn.Pkg().Path()]
	if !ok {
		return nil, false
	}
	v, ok := sp.symbols[fn.Name()]
	if !ok || v.Kind() != reflect.Func || !v.CanInterface() {
		return nil, false
	}
	return v.Interface(), true
}

// stmt runs a statement: it reports whether it returned, and what.
type stmt[E, R any] func(E) (R, bool)

func block[E, R any](c *compiler[E], list []ast.Stmt, result kind) stmt[E, R] {
	var stmts []stmt[E, R]
	for _, s := range list {
		stmts = append(stmts, statement[E, R](c, s, result))
		if c.failed {
			return nil
		}
	}
	if len(stmts) == 1 {
		return stmts[0]
	}
	return func(v E) (R, bool) {
		for _, s := range stmts {
			if r, ok := s(v); ok {
				return r, true
			}
		}
		var zero R
		return zero, false
	}
}

func statement[E, R any](c *compiler[E], s ast.Stmt, result kind) stmt[E, R] {
	var none stmt[E, R]
	info := c.site.info
	switch s := s.(type) {
	case *ast.ReturnStmt:
		if len(s.Results) != 1 {
			break
		}
		e := c.convert(c.expr(s.Results[0]), result)
		if c.failed {
			return none
		}
		f, ok := e.fn().(func(E) R)
		if !ok {
			break
		}
		return func(v E) (R, bool) { return f(v), true }
	case *ast.IfStmt:
		if s.Init != nil {
			break
		}
		cond := c.expr(s.Cond)
		if c.failed || cond.k != kBool {
			break
		}
		then := block[E, R](c, s.Body.List, result)
		var els stmt[E, R]
		switch e := s.Else.(type) {
		case nil:
		case *ast.BlockStmt:
			els = block[E, R](c, e.List, result)
		case *ast.IfStmt:
			els = statement[E, R](c, e, result)
		}
		if c.failed {
			return none
		}
		b := cond.b
		if els == nil {
			return func(v E) (R, bool) {
				if b(v) {
					return then(v)
				}
				var zero R
				return zero, false
			}
		}
		return func(v E) (R, bool) {
			if b(v) {
				return then(v)
			}
			return els(v)
		}
	case *ast.BlockStmt:
		return block[E, R](c, s.List, result)
	case *ast.IncDecStmt:
		op := token.ADD
		if s.Tok == token.DEC {
			op = token.SUB
		}
		one := expr[E]{k: kInt, i: func(E) int { return 1 }}
		if k := kindOf(info.TypeOf(s.X)); k == kFloat {
			one = expr[E]{k: kFloat, f: func(E) float64 { return 1 }}
		}
		return assign[E, R](c, s.X, op, one, s.X.Pos())
	case *ast.AssignStmt:
		if len(s.Lhs) != 1 || len(s.Rhs) != 1 {
			break
		}
		id, ok := s.Lhs[0].(*ast.Ident)
		if !ok {
			break
		}
		switch s.Tok {
		case token.DEFINE:
			if !c.frame {
				c.needFrame = true
				break
			}
			obj := info.Defs[id]
			if obj == nil {
				break // := of a name declared before in the block
			}
			e := c.expr(s.Rhs[0]) // before the name is declared: x := x + 1
			sl, ok := c.declare(obj)
			if !ok || c.failed {
				break
			}
			return store[E, R](c, sl, nil, c.convert(e, sl.k))
		case token.ASSIGN:
			return assign[E, R](c, id, token.ILLEGAL, c.expr(s.Rhs[0]), s.Pos())
		case token.ADD_ASSIGN, token.SUB_ASSIGN, token.MUL_ASSIGN, token.QUO_ASSIGN, token.REM_ASSIGN:
			return assign[E, R](c, id, s.Tok-token.ADD_ASSIGN+token.ADD, c.expr(s.Rhs[0]), s.Pos())
		}
	}
	c.fail()
	return none
}

// assign compiles lhs = rhs, or lhs op= rhs when op is not ILLEGAL.
func assign[E, R any](c *compiler[E], lhs ast.Expr, op token.Token, e expr[E], pos token.Pos) stmt[E, R] {
	id, ok := lhs.(*ast.Ident)
	if !ok {
		c.fail()
		return nil
	}
	obj := c.site.info.Uses[id]
	sl, local := c.vars[obj]
	var ptr any
	var k kind
	if local {
		if !c.frame {
			c.needFrame = true
			c.fail()
			return nil
		}
		k = sl.k
	} else if ptr, k, ok = c.capture(obj); !ok {
		c.fail()
		return nil
	}
	if op != token.ILLEGAL {
		var cur expr[E]
		if local {
			cur = c.read(sl)
		} else {
			cur = c.expr(id)
		}
		e = c.binary(op, cur, e, pos)
	}
	if c.failed {
		return nil
	}
	return store[E, R](c, sl, ptr, c.convert(e, k))
}

// store writes e to the local sl, or through ptr when it is set.
func store[E, R any](c *compiler[E], sl slot, ptr any, e expr[E]) stmt[E, R] {
	if c.failed {
		return nil
	}
	if ptr != nil {
		var f func(E)
		switch p := ptr.(type) {
		case *int:
			f = func(v E) { *p = e.i(v) }
		case *float64:
			f = func(v E) { *p = e.f(v) }
		case *string:
			f = func(v E) { *p = e.s(v) }
		case *bool:
			f = func(v E) { *p = e.b(v) }
		}
		return func(v E) (R, bool) {
			f(v)
			var zero R
			return zero, false
		}
	}
	n := sl.n
	var f func(*frame)
	switch sl.k {
	case kInt:
		g := any(e.i).(func(*frame) int)
		f = func(fr *frame) { fr.i[n] = g(fr) }
	case kFloat:
		g := any(e.f).(func(*frame) float64)
		f = func(fr *frame) { fr.f[n] = g(fr) }
	case kString:
		g := any(e.s).(func(*frame) string)
		f = func(fr *frame) { fr.s[n] = g(fr) }
	case kBool:
		g := any(e.b).(func(*frame) bool)
		f = func(fr *frame) { fr.b[n] = g(fr) }
	case kAny:
		g := any(e.a).(func(*frame) any)
		f = func(fr *frame) { fr.a[n] = g(fr) }
	case kPair:
		g := any(e.p).(func(*frame) engine.Pair)
		f = func(fr *frame) { fr.p[n] = g(fr) }
	default:
		c.fail()
		return nil
	}
	run := any(f).(func(E))
	return func(v E) (R, bool) {
		run(v)
		var zero R
		return zero, false
	}
}

// compiledLiteral is a literal that the compiler accepted: Make builds its
// closure with the pointers of the variables it captures.
type compiledLiteral struct {
	site closureSite
	// caps are the captured variables, in the order Make takes their
	// pointers.
	caps []types.Object
	typ  reflect.Type // the closure's func type
}

// compileClosure reports whether the literal of site is in the subset,
// and what it captures.
func compileClosure(site closureSite) (*compiledLiteral, bool) {
	fn, caps, ok := build(site, nil)
	if !ok {
		return nil, false
	}
	return &compiledLiteral{site: site, caps: caps, typ: reflect.TypeOf(fn)}, true
}

// Make returns the closure, reaching the captured variables through ptrs
// (an *int, *float64, *string or *bool each).
func (l *compiledLiteral) Make(ptrs []any) any {
	fn, _, ok := build(l.site, ptrs)
	if !ok {
		panic("session: a compiled closure failed to compile again")
	}
	return fn
}

// build compiles the literal of site with the captured variables' pointers
// ptrs (made up when nil).
func build(site closureSite, ptrs []any) (any, []types.Object, bool) {
	sig, _ := site.info.TypeOf(site.lit).(*types.Signature)
	if sig == nil || sig.Variadic() || sig.Results().Len() != 1 || sig.Params().Len() < 1 || sig.Params().Len() > 2 {
		return nil, nil, false
	}
	result := kindOf(sig.Results().At(0).Type())
	var params []types.Object
	for _, field := range site.lit.Type.Params.List {
		if len(field.Names) == 0 {
			return nil, nil, false
		}
		for _, name := range field.Names {
			obj := site.info.Defs[name]
			if obj == nil || kindOf(obj.Type()) == kInvalid || kindOf(obj.Type()) == kStrings {
				return nil, nil, false
			}
			params = append(params, obj)
		}
	}
	if len(params) != sig.Params().Len() || result == kInvalid {
		return nil, nil, false
	}
	pk := kindOf(params[0].Type())
	if len(params) == 2 && kindOf(params[1].Type()) != pk {
		return nil, nil, false
	}
	var fn any
	var caps []types.Object
	ok := false
	switch pk {
	case kInt:
		fn, caps, ok = byParam[int](site, params, result, ptrs)
	case kFloat:
		fn, caps, ok = byParam[float64](site, params, result, ptrs)
	case kString:
		fn, caps, ok = byParam[string](site, params, result, ptrs)
	case kBool:
		fn, caps, ok = byParam[bool](site, params, result, ptrs)
	case kAny:
		fn, caps, ok = byParam[any](site, params, result, ptrs)
	case kPair:
		fn, caps, ok = byParam[engine.Pair](site, params, result, ptrs)
	}
	return fn, caps, ok
}

func byParam[P any](site closureSite, params []types.Object, result kind, ptrs []any) (any, []types.Object, bool) {
	switch result {
	case kInt:
		return shaped[P, int](site, params, result, ptrs)
	case kFloat:
		return shaped[P, float64](site, params, result, ptrs)
	case kString:
		return shaped[P, string](site, params, result, ptrs)
	case kBool:
		return shaped[P, bool](site, params, result, ptrs)
	case kAny:
		return shaped[P, any](site, params, result, ptrs)
	case kPair:
		return shaped[P, engine.Pair](site, params, result, ptrs)
	case kStrings:
		return shaped[P, []string](site, params, result, ptrs)
	}
	return nil, nil, false
}

// shaped compiles the literal, of parameters of type P and result R, to a
// func(P) R or func(P, P) R: over its parameters directly when it declares
// no locals, else over a frame taken from a pool for each call.
func shaped[P, R any](site closureSite, params []types.Object, result kind, ptrs []any) (any, []types.Object, bool) {
	body := site.lit.Body.List
	if len(params) == 1 {
		c := &compiler[P]{site: site, vars: map[types.Object]slot{}, given: ptrs,
			param: func(int) any { return func(x P) P { return x } }}
		c.vars[params[0]] = slot{kindOf(params[0].Type()), 0}
		run := block[P, R](c, body, result)
		if !c.failed && !c.needFrame {
			// A body that is one return is the closure.
			if len(body) == 1 {
				if rs, ok := body[0].(*ast.ReturnStmt); ok && len(rs.Results) == 1 {
					if f, ok := c.convert(c.expr(rs.Results[0]), result).fn().(func(P) R); ok && !c.failed {
						return f, c.caps, true
					}
				}
			}
			return func(x P) R { r, _ := run(x); return r }, c.caps, true
		}
	} else {
		c := &compiler[[2]P]{site: site, vars: map[types.Object]slot{}, given: ptrs,
			param: func(n int) any { return func(x [2]P) P { return x[n] } }}
		c.vars[params[0]] = slot{kindOf(params[0].Type()), 0}
		c.vars[params[1]] = slot{kindOf(params[1].Type()), 1}
		run := block[[2]P, R](c, body, result)
		if !c.failed && !c.needFrame {
			if len(body) == 1 {
				if rs, ok := body[0].(*ast.ReturnStmt); ok && len(rs.Results) == 1 {
					if f, ok := c.convert(c.expr(rs.Results[0]), result).fn().(func([2]P) R); ok && !c.failed {
						return func(x, y P) R { return f([2]P{x, y}) }, c.caps, true
					}
				}
			}
			return func(x, y P) R { r, _ := run([2]P{x, y}); return r }, c.caps, true
		}
	}
	// With a frame.
	c := &compiler[*frame]{site: site, frame: true, vars: map[types.Object]slot{}, given: ptrs}
	var sets []func(*frame, P)
	for _, p := range params {
		sl, ok := c.declare(p)
		if !ok {
			return nil, nil, false
		}
		sets = append(sets, setter[P](sl))
	}
	run := block[*frame, R](c, body, result)
	if c.failed {
		return nil, nil, false
	}
	if len(params) == 1 {
		set := sets[0]
		return func(x P) R {
			fr := frames.Get().(*frame)
			set(fr, x)
			r, _ := run(fr)
			*fr = frame{}
			frames.Put(fr)
			return r
		}, c.caps, true
	}
	set0, set1 := sets[0], sets[1]
	return func(x, y P) R {
		fr := frames.Get().(*frame)
		set0(fr, x)
		set1(fr, y)
		r, _ := run(fr)
		*fr = frame{}
		frames.Put(fr)
		return r
	}, c.caps, true
}

// setter stores a parameter of type P in its slot of a frame.
func setter[P any](sl slot) func(*frame, P) {
	n := sl.n
	var f any
	switch sl.k {
	case kInt:
		f = func(fr *frame, x int) { fr.i[n] = x }
	case kFloat:
		f = func(fr *frame, x float64) { fr.f[n] = x }
	case kString:
		f = func(fr *frame, x string) { fr.s[n] = x }
	case kBool:
		f = func(fr *frame, x bool) { fr.b[n] = x }
	case kAny:
		f = func(fr *frame, x any) { fr.a[n] = x }
	case kPair:
		f = func(fr *frame, x engine.Pair) { fr.p[n] = x }
	}
	return f.(func(*frame, P))
}

// compiledClosure is a function literal of an input, src[start:end],
// that the closure compiler accepted.
type compiledClosure struct {
	start, end int
	lit        *compiledLiteral
}

// engineClosures finds the function literals of f passed directly to the
// engine's functions and methods and compiles those in the subset; shift
// turns offsets in f's source into offsets in the input, file and
// offsetLine name positions as errors do.
func engineClosures(f *ast.File, fset *token.FileSet, info *types.Info, shift int, file string, offsetLine int) []compiledClosure {
	pos := func(p token.Pos) string {
		at := fset.Position(p)
		return fmt.Sprintf("%s%d:%d", filePrefix(file), at.Line+offsetLine, at.Column)
	}
	var out []compiledClosure
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		var callee *ast.Ident
		switch fun := call.Fun.(type) {
		case *ast.SelectorExpr:
			callee = fun.Sel
		case *ast.Ident:
			callee = fun
		}
		if callee == nil {
			return true
		}
		fn, _ := info.Uses[callee].(*types.Func)
		if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != "github.com/gostream/gostream/engine" {
			return true
		}
		for _, arg := range call.Args {
			lit, ok := arg.(*ast.FuncLit)
			if !ok {
				continue
			}
			if cl, ok := compileClosure(closureSite{lit: lit, info: info, pos: pos}); ok {
				start := fset.PositionFor(lit.Pos(), false).Offset - shift
				end := fset.PositionFor(lit.End(), false).Offset - shift
				out = append(out, compiledClosure{start: start, end: end, lit: cl})
			}
		}
		return true
	})
	return out
}

// closureCount numbers the compiled closures of every session.
var closureCount atomic.Int64

// useClosures makes the interpreter see each compiled closure as a
// package of its own, imports it, and returns src with each literal
// replaced by the closure (name.F) or, when it captures variables, by a
// call that makes it with their pointers (name.F(&x, &y)), padded so that
// what follows keeps its line and column.
func (s *Session) useClosures(ctx context.Context, in *interp.Interpreter, src string, closures []compiledClosure) string {
	src, imports := registerClosures(in, src, closures)
	for _, imp := range imports {
		if _, _, err := s.run(ctx, in, imp); err != nil {
			return src // the interpreter reports the closure's name undefined
		}
	}
	return src
}

// programClosures is useClosures for a program file: the imports go on the
// line of its package clause, which ends at offset pkgEnd.
func programClosures(in *interp.Interpreter, src string, pkgEnd int, closures []compiledClosure) string {
	for _, c := range closures {
		if c.start < pkgEnd {
			return src
		}
	}
	src, imports := registerClosures(in, src, closures)
	if len(imports) == 0 {
		return src
	}
	return src[:pkgEnd] + "; " + strings.Join(imports, "; ") + src[pkgEnd:]
}

// registerClosures gives the interpreter a package for each compiled
// closure and returns src with the literals replaced, and the imports
// that the new src needs.
func registerClosures(in *interp.Interpreter, src string, closures []compiledClosure) (string, []string) {
	sort.Slice(closures, func(i, j int) bool { return closures[i].start > closures[j].start })
	var imports []string
	for _, c := range closures {
		if c.start < 0 || c.end > len(src) || c.start >= c.end {
			continue
		}
		n := closureCount.Add(1)
		name := fmt.Sprintf("__gostreamfn%d", n)
		path := "gostream.closures/" + name
		ref := name + ".F"
		var f reflect.Value
		if len(c.lit.caps) == 0 {
			f = reflect.ValueOf(c.lit.Make(nil))
		} else {
			var ins []reflect.Type
			var args []string
			for _, obj := range c.lit.caps {
				ins = append(ins, reflect.PointerTo(basicType(obj.Type())))
				args = append(args, "&"+obj.Name())
			}
			lit := c.lit
			f = reflect.MakeFunc(reflect.FuncOf(ins, []reflect.Type{lit.typ}, false), func(vs []reflect.Value) []reflect.Value {
				ptrs := make([]any, len(vs))
				for i, v := range vs {
					ptrs[i] = v.Interface()
				}
				return []reflect.Value{reflect.ValueOf(lit.Make(ptrs))}
			})
			ref += "(" + strings.Join(args, ", ") + ")"
		}
		if err := in.Use(interp.Exports{path + "/" + name: {"F": f}}); err != nil {
			continue
		}
		imports = append(imports, "import "+name+" "+strconv.Quote(path))
		// The newlines come first: one after the name would end the
		// statement.
		lit := src[c.start:c.end]
		if nl := strings.Count(lit, "\n"); nl > 0 {
			last := lit[strings.LastIndexByte(lit, '\n')+1:]
			ref = strings.Repeat("\n", nl) + strings.Repeat(" ", max(len(last)-len(ref), 0)) + ref
		} else if len(ref) < len(lit) {
			ref += strings.Repeat(" ", len(lit)-len(ref))
		}
		src = src[:c.start] + ref + src[c.end:]
	}
	return src, imports
}

// basicType is the Go type of the basic type t of a captured variable.
func basicType(t types.Type) reflect.Type {
	switch kindOf(t) {
	case kInt:
		return reflect.TypeOf(0)
	case kFloat:
		return reflect.TypeOf(0.0)
	case kString:
		return reflect.TypeOf("")
	}
	return reflect.TypeOf(false)
}
