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
	"sync/atomic"

	"github.com/gostream/gostream/engine"
	"github.com/traefik/yaegi/interp"
)

// The closure compiler turns a function literal that user code passes to
// an engine operation into a typed Go closure of one of the shapes the
// engine calls without reflection (engine/fn.go), when the literal stays
// within a subset: parameters, results and locals of type int, float64,
// string, bool, any and engine.Pair; constants, arithmetic, comparisons,
// logical operators, if/else, return, :=, len of a string, conversions
// between int, float64 and string, engine.KV, Pair fields, type
// assertions to the basic types, and calls to the compiled functions of
// the strings package that take and give strings, ints and bools. A
// literal that refers to any other name (a variable it captures, a
// function of the session) is not compiled: the interpreter runs it.
// Arithmetic is Go's own, so results, overflow and panics (integer divide
// by zero, a failed type assertion) are those of compiled Go.

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

// frame holds one call's parameters and locals, by kind.
type frame struct {
	i  [slots]int
	f  [slots]float64
	s  [slots]string
	b  [slots]bool
	a  [slots]any
	p  [slots]engine.Pair
	ri int
	rf float64
	rs string
	rb bool
	ra any
	rp engine.Pair
	rl []string
}

// expr is a compiled expression: the field of its kind is set.
type expr struct {
	k kind
	i func(*frame) int
	f func(*frame) float64
	s func(*frame) string
	b func(*frame) bool
	a func(*frame) any
	p func(*frame) engine.Pair
	l func(*frame) []string
}

// stmt runs a statement and reports whether it returned.
type stmt func(*frame) bool

type closureCompiler struct {
	info   *types.Info
	vars   map[types.Object]slot
	next   [kStrings + 1]int
	result kind
	failed bool
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

// compileClosure compiles lit, whose types info holds, to a func value of
// an engine fast-path shape; ok is false when lit is outside the subset.
func compileClosure(lit *ast.FuncLit, info *types.Info) (fn reflect.Value, ok bool) {
	sig, _ := info.TypeOf(lit).(*types.Signature)
	if sig == nil || sig.Variadic() || sig.Results().Len() != 1 || sig.Params().Len() < 1 || sig.Params().Len() > 2 {
		return reflect.Value{}, false
	}
	c := &closureCompiler{info: info, vars: map[types.Object]slot{}}
	c.result = kindOf(sig.Results().At(0).Type())
	var params []slot
	for _, field := range lit.Type.Params.List {
		for _, name := range field.Names {
			obj := info.Defs[name]
			if obj == nil {
				return reflect.Value{}, false
			}
			sl, ok := c.declare(obj)
			if !ok {
				return reflect.Value{}, false
			}
			params = append(params, sl)
		}
		if len(field.Names) == 0 {
			return reflect.Value{}, false
		}
	}
	if len(params) != sig.Params().Len() || c.result == kInvalid {
		return reflect.Value{}, false
	}
	body := c.block(lit.Body.List)
	if c.failed {
		return reflect.Value{}, false
	}
	return shape(params, c.result, body)
}

func (c *closureCompiler) declare(obj types.Object) (slot, bool) {
	k := kindOf(obj.Type())
	if k == kInvalid || k == kStrings || c.next[k] >= slots {
		return slot{}, false
	}
	sl := slot{k, c.next[k]}
	c.next[k]++
	c.vars[obj] = sl
	return sl, true
}

func (c *closureCompiler) fail() { c.failed = true }

func (c *closureCompiler) block(list []ast.Stmt) stmt {
	var stmts []stmt
	for _, s := range list {
		stmts = append(stmts, c.stmt(s))
		if c.failed {
			return nil
		}
	}
	return func(fr *frame) bool {
		for _, s := range stmts {
			if s(fr) {
				return true
			}
		}
		return false
	}
}

func (c *closureCompiler) stmt(s ast.Stmt) stmt {
	switch s := s.(type) {
	case *ast.ReturnStmt:
		if len(s.Results) != 1 {
			c.fail()
			return nil
		}
		e := c.convert(c.expr(s.Results[0]), c.result)
		if c.failed {
			return nil
		}
		switch c.result {
		case kInt:
			return func(fr *frame) bool { fr.ri = e.i(fr); return true }
		case kFloat:
			return func(fr *frame) bool { fr.rf = e.f(fr); return true }
		case kString:
			return func(fr *frame) bool { fr.rs = e.s(fr); return true }
		case kBool:
			return func(fr *frame) bool { fr.rb = e.b(fr); return true }
		case kAny:
			return func(fr *frame) bool { fr.ra = e.a(fr); return true }
		case kPair:
			return func(fr *frame) bool { fr.rp = e.p(fr); return true }
		case kStrings:
			return func(fr *frame) bool { fr.rl = e.l(fr); return true }
		}
	case *ast.IfStmt:
		if s.Init != nil {
			c.fail()
			return nil
		}
		cond := c.expr(s.Cond)
		if cond.k != kBool {
			c.fail()
			return nil
		}
		then := c.block(s.Body.List)
		var els stmt
		switch e := s.Else.(type) {
		case nil:
		case *ast.BlockStmt:
			els = c.block(e.List)
		case *ast.IfStmt:
			els = c.stmt(e)
		}
		if c.failed {
			return nil
		}
		if els == nil {
			return func(fr *frame) bool { return cond.b(fr) && then(fr) }
		}
		return func(fr *frame) bool {
			if cond.b(fr) {
				return then(fr)
			}
			return els(fr)
		}
	case *ast.AssignStmt:
		if len(s.Lhs) != 1 || len(s.Rhs) != 1 || (s.Tok != token.DEFINE && s.Tok != token.ASSIGN) {
			c.fail()
			return nil
		}
		id, ok := s.Lhs[0].(*ast.Ident)
		if !ok {
			c.fail()
			return nil
		}
		var sl slot
		if s.Tok == token.DEFINE {
			obj := c.info.Defs[id]
			if obj == nil {
				c.fail()
				return nil
			}
			if sl, ok = c.declare(obj); !ok {
				c.fail()
				return nil
			}
		} else if sl, ok = c.vars[c.info.Uses[id]]; !ok {
			c.fail()
			return nil
		}
		e := c.convert(c.expr(s.Rhs[0]), sl.k)
		if c.failed {
			return nil
		}
		n := sl.n
		switch sl.k {
		case kInt:
			return func(fr *frame) bool { fr.i[n] = e.i(fr); return false }
		case kFloat:
			return func(fr *frame) bool { fr.f[n] = e.f(fr); return false }
		case kString:
			return func(fr *frame) bool { fr.s[n] = e.s(fr); return false }
		case kBool:
			return func(fr *frame) bool { fr.b[n] = e.b(fr); return false }
		case kAny:
			return func(fr *frame) bool { fr.a[n] = e.a(fr); return false }
		case kPair:
			return func(fr *frame) bool { fr.p[n] = e.p(fr); return false }
		}
	case *ast.BlockStmt:
		return c.block(s.List)
	}
	c.fail()
	return nil
}

// convert makes e of kind k: an assignment to any boxes the value.
func (c *closureCompiler) convert(e expr, k kind) expr {
	if c.failed || e.k == k {
		return e
	}
	if k == kAny {
		return expr{k: kAny, a: boxed(e)}
	}
	c.fail()
	return expr{}
}

func boxed(e expr) func(*frame) any {
	switch e.k {
	case kInt:
		return func(fr *frame) any { return e.i(fr) }
	case kFloat:
		return func(fr *frame) any { return e.f(fr) }
	case kString:
		return func(fr *frame) any { return e.s(fr) }
	case kBool:
		return func(fr *frame) any { return e.b(fr) }
	case kPair:
		return func(fr *frame) any { return e.p(fr) }
	case kAny:
		return e.a
	}
	return nil
}

func (c *closureCompiler) expr(x ast.Expr) expr {
	if c.failed {
		return expr{}
	}
	tv := c.info.Types[x]
	k := kindOf(tv.Type)
	if tv.Value != nil {
		return c.constant(tv.Value, k)
	}
	switch x := x.(type) {
	case *ast.ParenExpr:
		return c.expr(x.X)
	case *ast.Ident:
		sl, ok := c.vars[c.info.Uses[x]]
		if !ok {
			break // a captured variable or a name of the session
		}
		n := sl.n
		switch sl.k {
		case kInt:
			return expr{k: kInt, i: func(fr *frame) int { return fr.i[n] }}
		case kFloat:
			return expr{k: kFloat, f: func(fr *frame) float64 { return fr.f[n] }}
		case kString:
			return expr{k: kString, s: func(fr *frame) string { return fr.s[n] }}
		case kBool:
			return expr{k: kBool, b: func(fr *frame) bool { return fr.b[n] }}
		case kAny:
			return expr{k: kAny, a: func(fr *frame) any { return fr.a[n] }}
		case kPair:
			return expr{k: kPair, p: func(fr *frame) engine.Pair { return fr.p[n] }}
		}
	case *ast.BinaryExpr:
		return c.binary(x, k)
	case *ast.UnaryExpr:
		e := c.expr(x.X)
		switch {
		case x.Op == token.SUB && e.k == kInt:
			return expr{k: kInt, i: func(fr *frame) int { return -e.i(fr) }}
		case x.Op == token.SUB && e.k == kFloat:
			return expr{k: kFloat, f: func(fr *frame) float64 { return -e.f(fr) }}
		case x.Op == token.NOT && e.k == kBool:
			return expr{k: kBool, b: func(fr *frame) bool { return !e.b(fr) }}
		}
	case *ast.SelectorExpr:
		if sel := c.info.Selections[x]; sel != nil && sel.Kind() == types.FieldVal {
			p := c.expr(x.X)
			if p.k == kPair {
				switch x.Sel.Name {
				case "Key":
					return expr{k: kAny, a: func(fr *frame) any { return p.p(fr).Key }}
				case "Value":
					return expr{k: kAny, a: func(fr *frame) any { return p.p(fr).Value }}
				}
			}
		}
	case *ast.TypeAssertExpr:
		e := c.expr(x.X)
		if e.k != kAny || x.Type == nil {
			break
		}
		switch k {
		case kInt:
			return expr{k: kInt, i: func(fr *frame) int { return e.a(fr).(int) }}
		case kFloat:
			return expr{k: kFloat, f: func(fr *frame) float64 { return e.a(fr).(float64) }}
		case kString:
			return expr{k: kString, s: func(fr *frame) string { return e.a(fr).(string) }}
		case kBool:
			return expr{k: kBool, b: func(fr *frame) bool { return e.a(fr).(bool) }}
		case kPair:
			return expr{k: kPair, p: func(fr *frame) engine.Pair { return e.a(fr).(engine.Pair) }}
		}
	case *ast.CallExpr:
		return c.call(x, k)
	}
	c.fail()
	return expr{}
}

func (c *closureCompiler) constant(v constant.Value, k kind) expr {
	switch k {
	case kInt:
		n, ok := constant.Int64Val(constant.ToInt(v))
		if !ok {
			break
		}
		x := int(n)
		return expr{k: kInt, i: func(*frame) int { return x }}
	case kFloat:
		f, _ := constant.Float64Val(constant.ToFloat(v))
		return expr{k: kFloat, f: func(*frame) float64 { return f }}
	case kString:
		s := constant.StringVal(v)
		return expr{k: kString, s: func(*frame) string { return s }}
	case kBool:
		b := constant.BoolVal(v)
		return expr{k: kBool, b: func(*frame) bool { return b }}
	}
	c.fail()
	return expr{}
}

func (c *closureCompiler) binary(x *ast.BinaryExpr, k kind) expr {
	l, r := c.expr(x.X), c.expr(x.Y)
	if c.failed {
		return expr{}
	}
	if x.Op == token.LAND || x.Op == token.LOR {
		if l.k != kBool || r.k != kBool {
			c.fail()
			return expr{}
		}
		if x.Op == token.LAND {
			return expr{k: kBool, b: func(fr *frame) bool { return l.b(fr) && r.b(fr) }}
		}
		return expr{k: kBool, b: func(fr *frame) bool { return l.b(fr) || r.b(fr) }}
	}
	if l.k != r.k {
		c.fail()
		return expr{}
	}
	switch l.k {
	case kInt:
		a, b := l.i, r.i
		switch x.Op {
		case token.ADD:
			return expr{k: kInt, i: func(fr *frame) int { return a(fr) + b(fr) }}
		case token.SUB:
			return expr{k: kInt, i: func(fr *frame) int { return a(fr) - b(fr) }}
		case token.MUL:
			return expr{k: kInt, i: func(fr *frame) int { return a(fr) * b(fr) }}
		case token.QUO:
			return expr{k: kInt, i: func(fr *frame) int { return a(fr) / b(fr) }}
		case token.REM:
			return expr{k: kInt, i: func(fr *frame) int { return a(fr) % b(fr) }}
		case token.EQL:
			return expr{k: kBool, b: func(fr *frame) bool { return a(fr) == b(fr) }}
		case token.NEQ:
			return expr{k: kBool, b: func(fr *frame) bool { return a(fr) != b(fr) }}
		case token.LSS:
			return expr{k: kBool, b: func(fr *frame) bool { return a(fr) < b(fr) }}
		case token.LEQ:
			return expr{k: kBool, b: func(fr *frame) bool { return a(fr) <= b(fr) }}
		case token.GTR:
			return expr{k: kBool, b: func(fr *frame) bool { return a(fr) > b(fr) }}
		case token.GEQ:
			return expr{k: kBool, b: func(fr *frame) bool { return a(fr) >= b(fr) }}
		}
	case kFloat:
		a, b := l.f, r.f
		switch x.Op {
		case token.ADD:
			return expr{k: kFloat, f: func(fr *frame) float64 { return a(fr) + b(fr) }}
		case token.SUB:
			return expr{k: kFloat, f: func(fr *frame) float64 { return a(fr) - b(fr) }}
		case token.MUL:
			return expr{k: kFloat, f: func(fr *frame) float64 { return a(fr) * b(fr) }}
		case token.QUO:
			return expr{k: kFloat, f: func(fr *frame) float64 { return a(fr) / b(fr) }}
		case token.EQL:
			return expr{k: kBool, b: func(fr *frame) bool { return a(fr) == b(fr) }}
		case token.NEQ:
			return expr{k: kBool, b: func(fr *frame) bool { return a(fr) != b(fr) }}
		case token.LSS:
			return expr{k: kBool, b: func(fr *frame) bool { return a(fr) < b(fr) }}
		case token.LEQ:
			return expr{k: kBool, b: func(fr *frame) bool { return a(fr) <= b(fr) }}
		case token.GTR:
			return expr{k: kBool, b: func(fr *frame) bool { return a(fr) > b(fr) }}
		case token.GEQ:
			return expr{k: kBool, b: func(fr *frame) bool { return a(fr) >= b(fr) }}
		}
	case kString:
		a, b := l.s, r.s
		switch x.Op {
		case token.ADD:
			return expr{k: kString, s: func(fr *frame) string { return a(fr) + b(fr) }}
		case token.EQL:
			return expr{k: kBool, b: func(fr *frame) bool { return a(fr) == b(fr) }}
		case token.NEQ:
			return expr{k: kBool, b: func(fr *frame) bool { return a(fr) != b(fr) }}
		case token.LSS:
			return expr{k: kBool, b: func(fr *frame) bool { return a(fr) < b(fr) }}
		case token.LEQ:
			return expr{k: kBool, b: func(fr *frame) bool { return a(fr) <= b(fr) }}
		case token.GTR:
			return expr{k: kBool, b: func(fr *frame) bool { return a(fr) > b(fr) }}
		case token.GEQ:
			return expr{k: kBool, b: func(fr *frame) bool { return a(fr) >= b(fr) }}
		}
	case kBool:
		a, b := l.b, r.b
		switch x.Op {
		case token.EQL:
			return expr{k: kBool, b: func(fr *frame) bool { return a(fr) == b(fr) }}
		case token.NEQ:
			return expr{k: kBool, b: func(fr *frame) bool { return a(fr) != b(fr) }}
		}
	}
	c.fail()
	return expr{}
}

func (c *closureCompiler) call(x *ast.CallExpr, k kind) expr {
	tv := c.info.Types[x.Fun]
	if tv.IsType() && len(x.Args) == 1 {
		// A conversion; string(rune(n)) is the one through rune.
		if inner, ok := x.Args[0].(*ast.CallExpr); ok && k == kString && len(inner.Args) == 1 {
			if it := c.info.Types[inner.Fun]; it.IsType() && types.Identical(it.Type, types.Typ[types.Int32]) {
				e := c.expr(inner.Args[0])
				if e.k == kInt {
					return expr{k: kString, s: func(fr *frame) string { return string(rune(e.i(fr))) }}
				}
			}
		}
		e := c.expr(x.Args[0])
		switch {
		case k == e.k:
			return e
		case k == kInt && e.k == kFloat:
			return expr{k: kInt, i: func(fr *frame) int { return int(e.f(fr)) }}
		case k == kFloat && e.k == kInt:
			return expr{k: kFloat, f: func(fr *frame) float64 { return float64(e.i(fr)) }}
		case k == kString && e.k == kInt:
			return expr{k: kString, s: func(fr *frame) string { return string(rune(e.i(fr))) }}
		case k == kAny:
			return expr{k: kAny, a: boxed(e)}
		}
		c.fail()
		return expr{}
	}
	if id, ok := x.Fun.(*ast.Ident); ok && len(x.Args) == 1 {
		if b, ok := c.info.Uses[id].(*types.Builtin); ok && b.Name() == "len" {
			e := c.expr(x.Args[0])
			if e.k == kString {
				return expr{k: kInt, i: func(fr *frame) int { return len(e.s(fr)) }}
			}
		}
		c.fail()
		return expr{}
	}
	sel, ok := x.Fun.(*ast.SelectorExpr)
	if !ok {
		c.fail()
		return expr{}
	}
	fn, _ := c.info.Uses[sel.Sel].(*types.Func)
	if fn == nil || fn.Pkg() == nil {
		c.fail()
		return expr{}
	}
	var args []expr
	for _, a := range x.Args {
		args = append(args, c.expr(a))
	}
	if c.failed {
		return expr{}
	}
	if fn.Pkg().Path() == "github.com/gostream/gostream/engine" && fn.Name() == "KV" && len(args) == 2 {
		key, val := boxed(args[0]), boxed(args[1])
		return expr{k: kPair, p: func(fr *frame) engine.Pair { return engine.KV(key(fr), val(fr)) }}
	}
	f, ok := compiledFunc(fn)
	if !ok {
		c.fail()
		return expr{}
	}
	switch g := f.(type) {
	case func(string) string:
		if len(args) == 1 && args[0].k == kString {
			a := args[0].s
			return expr{k: kString, s: func(fr *frame) string { return g(a(fr)) }}
		}
	case func(string) []string:
		if len(args) == 1 && args[0].k == kString {
			a := args[0].s
			return expr{k: kStrings, l: func(fr *frame) []string { return g(a(fr)) }}
		}
	case func(string) int:
		if len(args) == 1 && args[0].k == kString {
			a := args[0].s
			return expr{k: kInt, i: func(fr *frame) int { return g(a(fr)) }}
		}
	case func(string, string) bool:
		if len(args) == 2 && args[0].k == kString && args[1].k == kString {
			a, b := args[0].s, args[1].s
			return expr{k: kBool, b: func(fr *frame) bool { return g(a(fr), b(fr)) }}
		}
	case func(string, string) int:
		if len(args) == 2 && args[0].k == kString && args[1].k == kString {
			a, b := args[0].s, args[1].s
			return expr{k: kInt, i: func(fr *frame) int { return g(a(fr), b(fr)) }}
		}
	case func(string, string) string:
		if len(args) == 2 && args[0].k == kString && args[1].k == kString {
			a, b := args[0].s, args[1].s
			return expr{k: kString, s: func(fr *frame) string { return g(a(fr), b(fr)) }}
		}
	case func(string, int) string:
		if len(args) == 2 && args[0].k == kString && args[1].k == kInt {
			a, b := args[0].s, args[1].i
			return expr{k: kString, s: func(fr *frame) string { return g(a(fr), b(fr)) }}
		}
	}
	c.fail()
	return expr{}
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

// shape returns body as a func of one of the engine's fast-path shapes.
func shape(params []slot, result kind, body stmt) (reflect.Value, bool) {
	var f any
	if len(params) == 1 {
		p := params[0]
		switch {
		case p.k == kString && result == kString:
			f = func(a string) string { var fr frame; fr.s[p.n] = a; body(&fr); return fr.rs }
		case p.k == kString && result == kPair:
			f = func(a string) engine.Pair { var fr frame; fr.s[p.n] = a; body(&fr); return fr.rp }
		case p.k == kString && result == kInt:
			f = func(a string) int { var fr frame; fr.s[p.n] = a; body(&fr); return fr.ri }
		case p.k == kString && result == kAny:
			f = func(a string) any { var fr frame; fr.s[p.n] = a; body(&fr); return fr.ra }
		case p.k == kString && result == kBool:
			f = func(a string) bool { var fr frame; fr.s[p.n] = a; body(&fr); return fr.rb }
		case p.k == kString && result == kStrings:
			f = func(a string) []string { var fr frame; fr.s[p.n] = a; body(&fr); return fr.rl }
		case p.k == kInt && result == kInt:
			f = func(a int) int { var fr frame; fr.i[p.n] = a; body(&fr); return fr.ri }
		case p.k == kInt && result == kString:
			f = func(a int) string { var fr frame; fr.i[p.n] = a; body(&fr); return fr.rs }
		case p.k == kInt && result == kPair:
			f = func(a int) engine.Pair { var fr frame; fr.i[p.n] = a; body(&fr); return fr.rp }
		case p.k == kInt && result == kAny:
			f = func(a int) any { var fr frame; fr.i[p.n] = a; body(&fr); return fr.ra }
		case p.k == kInt && result == kBool:
			f = func(a int) bool { var fr frame; fr.i[p.n] = a; body(&fr); return fr.rb }
		case p.k == kAny && result == kAny:
			f = func(a any) any { var fr frame; fr.a[p.n] = a; body(&fr); return fr.ra }
		case p.k == kAny && result == kPair:
			f = func(a any) engine.Pair { var fr frame; fr.a[p.n] = a; body(&fr); return fr.rp }
		case p.k == kAny && result == kBool:
			f = func(a any) bool { var fr frame; fr.a[p.n] = a; body(&fr); return fr.rb }
		case p.k == kPair && result == kPair:
			f = func(a engine.Pair) engine.Pair { var fr frame; fr.p[p.n] = a; body(&fr); return fr.rp }
		case p.k == kPair && result == kAny:
			f = func(a engine.Pair) any { var fr frame; fr.p[p.n] = a; body(&fr); return fr.ra }
		case p.k == kPair && result == kBool:
			f = func(a engine.Pair) bool { var fr frame; fr.p[p.n] = a; body(&fr); return fr.rb }
		case p.k == kFloat && result == kFloat:
			f = func(a float64) float64 { var fr frame; fr.f[p.n] = a; body(&fr); return fr.rf }
		}
	} else {
		p, q := params[0], params[1]
		switch {
		case p.k == kInt && q.k == kInt && result == kInt:
			f = func(a, b int) int { var fr frame; fr.i[p.n], fr.i[q.n] = a, b; body(&fr); return fr.ri }
		case p.k == kFloat && q.k == kFloat && result == kFloat:
			f = func(a, b float64) float64 {
				var fr frame
				fr.f[p.n], fr.f[q.n] = a, b
				body(&fr)
				return fr.rf
			}
		case p.k == kString && q.k == kString && result == kString:
			f = func(a, b string) string {
				var fr frame
				fr.s[p.n], fr.s[q.n] = a, b
				body(&fr)
				return fr.rs
			}
		case p.k == kAny && q.k == kAny && result == kAny:
			f = func(a, b any) any { var fr frame; fr.a[p.n], fr.a[q.n] = a, b; body(&fr); return fr.ra }
		}
	}
	if f == nil {
		return reflect.Value{}, false
	}
	return reflect.ValueOf(f), true
}

// compiledClosure is a function literal of an input, src[start:end],
// compiled.
type compiledClosure struct {
	start, end int
	fn         reflect.Value
}

// engineClosures compiles the function literals of f passed directly to
// the engine's functions and methods; shift turns offsets in f's source
// into offsets in the input.
func engineClosures(f *ast.File, fset *token.FileSet, info *types.Info, shift int) []compiledClosure {
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
			if v, ok := compileClosure(lit, info); ok {
				start := fset.PositionFor(lit.Pos(), false).Offset - shift
				end := fset.PositionFor(lit.End(), false).Offset - shift
				out = append(out, compiledClosure{start: start, end: end, fn: v})
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
// replaced by the closure's name, padded so that what follows keeps its
// line and column.
func (s *Session) useClosures(ctx context.Context, in *interp.Interpreter, src string, closures []compiledClosure) string {
	sort.Slice(closures, func(i, j int) bool { return closures[i].start > closures[j].start })
	for _, c := range closures {
		if c.start < 0 || c.end > len(src) || c.start >= c.end {
			continue
		}
		n := closureCount.Add(1)
		name := fmt.Sprintf("__gostreamfn%d", n)
		path := "gostream.closures/" + name
		if err := in.Use(interp.Exports{path + "/" + name: {"F": c.fn}}); err != nil {
			continue
		}
		if _, _, err := s.run(ctx, in, "import "+name+" "+strconv.Quote(path)); err != nil {
			continue
		}
		// The newlines come first: one after the name would end the
		// statement.
		ref := name + ".F"
		lit := src[c.start:c.end]
		if nl := strings.Count(lit, "\n"); nl > 0 {
			last := lit[strings.LastIndexByte(lit, '\n')+1:]
			ref = strings.Repeat("\n", nl) + strings.Repeat(" ", max(len(last)-len(ref), 0)) + ref
		} else if len(ref) < len(lit) {
			ref += strings.Repeat(" ", len(lit)-len(ref))
		}
		src = src[:c.start] + ref + src[c.end:]
	}
	return src
}
