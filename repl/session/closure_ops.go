package session

import (
	"cmp"
	"go/ast"
	"go/token"
	"go/types"
	"reflect"

	"github.com/gostream/gostream/engine"
)

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
		if f := arith(op, a, b); f != nil {
			return expr[E]{k: kInt, i: f}
		}
		if op == token.QUO || op == token.REM {
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
		}
		if f := compare(op, a, b); f != nil {
			return expr[E]{k: kBool, b: f}
		}
	case kFloat:
		a, b := l.f, r.f
		if f := arith(op, a, b); f != nil {
			return expr[E]{k: kFloat, f: f}
		}
		if op == token.QUO {
			return expr[E]{k: kFloat, f: func(v E) float64 { return a(v) / b(v) }}
		}
		if f := compare(op, a, b); f != nil {
			return expr[E]{k: kBool, b: f}
		}
	case kString:
		a, b := l.s, r.s
		if op == token.ADD {
			return expr[E]{k: kString, s: func(v E) string { return a(v) + b(v) }}
		}
		if f := compare(op, a, b); f != nil {
			return expr[E]{k: kBool, b: f}
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

// arith is a op b for + - * over ints or floats, or nil for another
// operator.
func arith[E any, T int | float64](op token.Token, a, b func(E) T) func(E) T {
	switch op {
	case token.ADD:
		return func(v E) T { return a(v) + b(v) }
	case token.SUB:
		return func(v E) T { return a(v) - b(v) }
	case token.MUL:
		return func(v E) T { return a(v) * b(v) }
	}
	return nil
}

// compare is a op b for the comparison operators over ints, floats or
// strings, or nil for another operator.
func compare[E any, T cmp.Ordered](op token.Token, a, b func(E) T) func(E) bool {
	switch op {
	case token.EQL:
		return func(v E) bool { return a(v) == b(v) }
	case token.NEQ:
		return func(v E) bool { return a(v) != b(v) }
	case token.LSS:
		return func(v E) bool { return a(v) < b(v) }
	case token.LEQ:
		return func(v E) bool { return a(v) <= b(v) }
	case token.GTR:
		return func(v E) bool { return a(v) > b(v) }
	case token.GEQ:
		return func(v E) bool { return a(v) >= b(v) }
	}
	return nil
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
	fn := packageFunc(info, x)
	if fn == nil {
		c.fail() // a method, or a function value
		return expr[E]{}
	}
	var args []expr[E]
	for _, a := range x.Args {
		args = append(args, c.expr(a))
	}
	if c.failed {
		return expr[E]{}
	}
	if isKV(fn) && len(args) == 2 {
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

// packageFunc is the package-level function call x calls (pkg.F), or nil
// for a call of a method, a function value or a builtin.
func packageFunc(info *types.Info, x *ast.CallExpr) *types.Func {
	sel, ok := x.Fun.(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	if _, isPkg := info.Uses[identOf(sel.X)].(*types.PkgName); !isPkg {
		return nil
	}
	fn, _ := info.Uses[sel.Sel].(*types.Func)
	if fn == nil || fn.Pkg() == nil {
		return nil
	}
	return fn
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
