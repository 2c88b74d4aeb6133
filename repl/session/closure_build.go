package session

import (
	"context"
	"fmt"
	"go/ast"
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
	if fn, ok := forwarded(site, sig, params); ok {
		return fn, nil, true
	}
	if fn, ok := canonical(site, sig, params); ok {
		return fn, nil, true
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
		if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != enginePath {
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
