package session

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"github.com/gostream/gostream/engine"
	"github.com/gostream/gostream/internal/canon"
)

// Literals that stand for a compiled function: the compiler hands the
// engine the function itself, which it knows, instead of a closure that
// calls it or does what it does.

// forwarded returns the function a literal only forwards its parameters
// to: `func(line string) []string { return strings.Fields(line) }`, whose
// body calls a package's compiled function of the literal's own type with
// the parameters in order, is strings.Fields itself. The engine then sees
// the function it knows (strings.Fields is split by the engine without
// allocating), and each call saves a call.
func forwarded(site closureSite, sig *types.Signature, params []types.Object) (any, bool) {
	call, ok := soleResult(site.lit).(*ast.CallExpr)
	if !ok || call.Ellipsis.IsValid() || len(call.Args) != len(params) {
		return nil, false
	}
	fn := packageFunc(site.info, call)
	if fn == nil || !types.Identical(fn.Type(), sig) {
		return nil, false
	}
	for i, arg := range call.Args {
		if id := identOf(arg); id == nil || site.info.Uses[id] != params[i] {
			return nil, false
		}
	}
	return compiledFunc(fn)
}

// canonical returns the compiled function a literal does exactly what it
// does, of the literal's own type (so an element of another type fails as
// it would with the literal), when the engine knows that function:
//
//	func(w string) engine.Pair { return engine.KV(w, 1) }  canon.StrWithOne
//	func(a, b int) int { return a + b }                   engine.Sum
//	func(a, b float64) float64 { return a + b }           engine.SumFloat
//	func(a, b int) int { return a - b }                   engine.Diff
//
// with engine.Pair{w, 1} (field names or not) for the KV call, and b + a
// for ints. The engine counts words paired by StrWithOne without boxing
// each, and sums with Sum without a call per value.
func canonical(site closureSite, sig *types.Signature, params []types.Object) (any, bool) {
	res := soleResult(site.lit)
	if res == nil {
		return nil, false
	}
	is := func(x ast.Expr, p types.Object) bool {
		id := identOf(ast.Unparen(x))
		return id != nil && site.info.Uses[id] == p
	}
	result := kindOf(sig.Results().At(0).Type())
	if len(params) == 1 {
		k, v, ok := pairOf(site.info, res)
		if ok && result == kPair && kindOf(params[0].Type()) == kString && is(k, params[0]) && isOne(site.info, v) {
			return canon.StrWithOne[engine.Pair], true
		}
		return nil, false
	}
	bin, ok := ast.Unparen(res).(*ast.BinaryExpr)
	if !ok {
		return nil, false
	}
	pk := kindOf(params[0].Type())
	if pk != result || (pk != kInt && pk != kFloat) {
		return nil, false
	}
	a, b := params[0], params[1]
	inOrder := is(bin.X, a) && is(bin.Y, b)
	switch {
	case bin.Op == token.ADD && pk == kInt && (inOrder || is(bin.X, b) && is(bin.Y, a)):
		return engine.Sum, true
	case bin.Op == token.ADD && pk == kFloat && inOrder:
		return engine.SumFloat, true
	case bin.Op == token.SUB && pk == kInt && inOrder:
		return engine.Diff, true
	}
	return nil, false
}

// soleResult is the expression a literal's body returns when the body is
// that one return statement, or nil.
func soleResult(lit *ast.FuncLit) ast.Expr {
	if len(lit.Body.List) != 1 {
		return nil
	}
	ret, ok := lit.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return nil
	}
	return ret.Results[0]
}

// pairOf returns the key and value of x when x is engine.KV(k, v) or an
// engine.Pair literal.
func pairOf(info *types.Info, x ast.Expr) (k, v ast.Expr, ok bool) {
	switch x := ast.Unparen(x).(type) {
	case *ast.CallExpr:
		fn := packageFunc(info, x)
		if fn == nil || !isKV(fn) || x.Ellipsis.IsValid() || len(x.Args) != 2 {
			return nil, nil, false
		}
		return x.Args[0], x.Args[1], true
	case *ast.CompositeLit:
		if kindOf(info.TypeOf(x)) != kPair || len(x.Elts) != 2 {
			return nil, nil, false
		}
		kv0, keyed0 := x.Elts[0].(*ast.KeyValueExpr)
		kv1, keyed1 := x.Elts[1].(*ast.KeyValueExpr)
		if !keyed0 && !keyed1 {
			return x.Elts[0], x.Elts[1], true
		}
		if !keyed0 || !keyed1 {
			return nil, nil, false
		}
		fields := map[string]ast.Expr{}
		for _, e := range []*ast.KeyValueExpr{kv0, kv1} {
			if id := identOf(e.Key); id != nil {
				fields[id.Name] = e.Value
			}
		}
		k, v = fields["Key"], fields["Value"]
		return k, v, k != nil && v != nil
	}
	return nil, nil, false
}

// isOne reports whether x is the constant 1 as an int (an untyped 1 that
// becomes an int in an any).
func isOne(info *types.Info, x ast.Expr) bool {
	tv, ok := info.Types[x]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.Int || constant.Compare(tv.Value, token.NEQ, constant.MakeInt64(1)) {
		return false
	}
	basic, ok := tv.Type.(*types.Basic)
	return ok && (basic.Kind() == types.Int || basic.Kind() == types.UntypedInt)
}
