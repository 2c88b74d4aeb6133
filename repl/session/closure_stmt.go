package session

import (
	"go/ast"
	"go/token"

	"github.com/gostream/gostream/engine"
)

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
