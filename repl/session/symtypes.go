package session

import (
	"fmt"
	"go/constant"
	"go/token"
	"go/types"
	"reflect"
	"sort"
	"strings"
	"sync"

	gsstdlib "github.com/gostream/gostream/stdlib"
	"github.com/traefik/yaegi/stdlib"
)

// symbolImporter gives go/types the packages the interpreter has: it
// builds each package's types from the interpreter's own symbol tables
// (yaegi's standard library and gostream's generated symbols), by
// reflection. It needs no Go toolchain, no source and no export data, so
// it works with the gostream binary alone, and it knows exactly what the
// interpreter can call. What reflection cannot say is not known: parameter
// names, unexported methods of concrete types, generic functions (which the
// interpreter's symbols do not hold either). A package that is not in the
// tables (one the interpreter would load from source through GoPath) is
// not found; the session then leaves type checking to the interpreter.
type symbolImporter struct {
	mu       sync.Mutex
	syms     map[string]symbolPackage // by import path
	pkgs     map[string]*types.Package
	complete map[string]bool
	types    map[reflect.Type]types.Type
}

type symbolPackage struct {
	name    string
	symbols map[string]reflect.Value
}

// symbols is the importer every session shares: the types it builds are
// immutable once built, and shared types keep the identity of a type
// across inputs.
var symbols = sync.OnceValue(func() *symbolImporter {
	im := &symbolImporter{
		syms:     map[string]symbolPackage{},
		pkgs:     map[string]*types.Package{},
		complete: map[string]bool{},
		types:    map[reflect.Type]types.Type{},
	}
	for _, table := range []map[string]map[string]reflect.Value{stdlib.Symbols, gsstdlib.Symbols} {
		for key, syms := range table {
			// The interpreter keys packages by "import/path/name".
			i := strings.LastIndexByte(key, '/')
			if i < 0 {
				continue
			}
			im.syms[key[:i]] = symbolPackage{name: key[i+1:], symbols: syms}
		}
	}
	return im
})

// has reports whether path is a package the importer can build.
func (im *symbolImporter) has(path string) bool {
	if path == "unsafe" {
		return true
	}
	_, ok := im.syms[path]
	return ok
}

// Import implements types.Importer.
func (im *symbolImporter) Import(path string) (*types.Package, error) {
	if path == "unsafe" {
		return types.Unsafe, nil
	}
	im.mu.Lock()
	defer im.mu.Unlock()
	sp, ok := im.syms[path]
	if !ok {
		return nil, fmt.Errorf("package %s is not available to the interpreter", path)
	}
	pkg := im.pkg(path)
	if im.complete[path] {
		return pkg, nil
	}
	names := make([]string, 0, len(sp.symbols))
	for n := range sp.symbols {
		names = append(names, n)
	}
	sort.Strings(names)
	scope := pkg.Scope()
	for _, name := range names {
		if strings.HasPrefix(name, "_") || scope.Lookup(name) != nil {
			continue
		}
		if obj := im.object(pkg, name, sp.symbols[name]); obj != nil {
			scope.Insert(obj)
		}
	}
	im.complete[path] = true
	pkg.MarkComplete()
	return pkg, nil
}

// object converts one symbol: a type is a nil pointer to it, a variable
// an addressable value, an untyped constant a constant.Value, a function a
// func value, and any other value a typed constant.
func (im *symbolImporter) object(pkg *types.Package, name string, v reflect.Value) types.Object {
	if !v.IsValid() {
		return nil
	}
	switch {
	case v.CanAddr():
		return types.NewVar(token.NoPos, pkg, name, im.typeOf(v.Type()))
	case v.Kind() == reflect.Pointer && v.IsNil():
		t := v.Type().Elem()
		typ := im.typeOf(t)
		if t.Name() == name && t.PkgPath() == pkg.Path() {
			return pkg.Scope().Lookup(name) // inserted by typeOf
		}
		return types.NewTypeName(token.NoPos, pkg, name, typ) // an alias
	case v.Kind() == reflect.Func:
		sig, _ := im.typeOf(v.Type()).(*types.Signature)
		if sig == nil {
			return nil
		}
		return types.NewFunc(token.NoPos, pkg, name, sig)
	}
	if v.CanInterface() {
		if c, ok := v.Interface().(constant.Value); ok {
			var kind types.BasicKind
			switch c.Kind() {
			case constant.Bool:
				kind = types.UntypedBool
			case constant.String:
				kind = types.UntypedString
			case constant.Int:
				kind = types.UntypedInt
			case constant.Float:
				kind = types.UntypedFloat
			case constant.Complex:
				kind = types.UntypedComplex
			default:
				return nil
			}
			return types.NewConst(token.NoPos, pkg, name, types.Typ[kind], c)
		}
	}
	var c constant.Value
	switch v.Kind() {
	case reflect.Bool:
		c = constant.MakeBool(v.Bool())
	case reflect.String:
		c = constant.MakeString(v.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		c = constant.MakeInt64(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		c = constant.MakeUint64(v.Uint())
	case reflect.Float32, reflect.Float64:
		c = constant.MakeFloat64(v.Float())
	case reflect.Complex64, reflect.Complex128:
		z := v.Complex()
		c = constant.BinaryOp(constant.MakeFloat64(real(z)), token.ADD, constant.MakeImag(constant.MakeFloat64(imag(z))))
	default:
		return types.NewVar(token.NoPos, pkg, name, im.typeOf(v.Type()))
	}
	return types.NewConst(token.NoPos, pkg, name, im.typeOf(v.Type()), c)
}

// pkg returns the package of path, made on first use; its name is the
// interpreter's when the tables have it, else the last element of the
// path without a major version suffix.
func (im *symbolImporter) pkg(path string) *types.Package {
	if p := im.pkgs[path]; p != nil {
		return p
	}
	name := path[strings.LastIndexByte(path, '/')+1:]
	if sp, ok := im.syms[path]; ok {
		name = sp.name
	} else if i := strings.LastIndexByte(path, '/'); i > 0 && len(name) > 1 && name[0] == 'v' && strings.Trim(name[1:], "0123456789") == "" {
		prev := path[:i]
		name = prev[strings.LastIndexByte(prev, '/')+1:]
	}
	name = strings.NewReplacer(".", "_", "-", "_").Replace(name)
	p := types.NewPackage(path, name)
	im.pkgs[path] = p
	return p
}

var basicKinds = map[reflect.Kind]types.BasicKind{
	reflect.Bool: types.Bool, reflect.Int: types.Int, reflect.Int8: types.Int8, reflect.Int16: types.Int16,
	reflect.Int32: types.Int32, reflect.Int64: types.Int64, reflect.Uint: types.Uint, reflect.Uint8: types.Uint8,
	reflect.Uint16: types.Uint16, reflect.Uint32: types.Uint32, reflect.Uint64: types.Uint64,
	reflect.Uintptr: types.Uintptr, reflect.Float32: types.Float32, reflect.Float64: types.Float64,
	reflect.Complex64: types.Complex64, reflect.Complex128: types.Complex128, reflect.String: types.String,
	reflect.UnsafePointer: types.UnsafePointer,
}

var errorReflect = reflect.TypeFor[error]()

// typeOf converts a reflect type. Named types are made once, in their
// package's scope, with the methods reflection lists.
func (im *symbolImporter) typeOf(t reflect.Type) types.Type {
	if typ, ok := im.types[t]; ok {
		return typ
	}
	if t == errorReflect {
		return types.Universe.Lookup("error").Type()
	}
	if t.Name() == "" || t.PkgPath() == "" {
		if k, ok := basicKinds[t.Kind()]; ok && t.Name() != "" {
			return types.Typ[k]
		}
		typ := im.underlying(t, nil)
		im.types[t] = typ
		return typ
	}
	pkg := im.pkg(t.PkgPath())
	obj := types.NewTypeName(token.NoPos, pkg, t.Name(), nil)
	named := types.NewNamed(obj, nil, nil)
	im.types[t] = named
	if pkg.Scope().Lookup(t.Name()) == nil {
		pkg.Scope().Insert(obj)
	}
	named.SetUnderlying(im.underlying(t, pkg))
	if t.Kind() == reflect.Interface {
		return named
	}
	seen := map[string]bool{}
	for i := range t.NumMethod() {
		m := t.Method(i)
		seen[m.Name] = true
		named.AddMethod(im.method(pkg, named, m))
	}
	pt := reflect.PointerTo(t)
	for i := range pt.NumMethod() {
		m := pt.Method(i)
		if !seen[m.Name] {
			named.AddMethod(im.method(pkg, types.NewPointer(named), m))
		}
	}
	return named
}

func (im *symbolImporter) method(pkg *types.Package, recv types.Type, m reflect.Method) *types.Func {
	sig := im.signature(m.Type, 1, types.NewVar(token.NoPos, pkg, "", recv))
	return types.NewFunc(token.NoPos, pkg, m.Name, sig)
}

// signature converts a func type, leaving out its first skip parameters
// (a method's receiver).
func (im *symbolImporter) signature(t reflect.Type, skip int, recv *types.Var) *types.Signature {
	var params, results []*types.Var
	for i := skip; i < t.NumIn(); i++ {
		params = append(params, types.NewVar(token.NoPos, nil, "", im.typeOf(t.In(i))))
	}
	for i := range t.NumOut() {
		results = append(results, types.NewVar(token.NoPos, nil, "", im.typeOf(t.Out(i))))
	}
	return types.NewSignatureType(recv, nil, nil, types.NewTuple(params...), types.NewTuple(results...), t.IsVariadic())
}

// underlying converts the structure of t; pkg is the package of the named
// type being built, if any, which owns unexported fields and methods.
func (im *symbolImporter) underlying(t reflect.Type, pkg *types.Package) types.Type {
	if k, ok := basicKinds[t.Kind()]; ok {
		return types.Typ[k]
	}
	switch t.Kind() {
	case reflect.Array:
		return types.NewArray(im.typeOf(t.Elem()), int64(t.Len()))
	case reflect.Slice:
		return types.NewSlice(im.typeOf(t.Elem()))
	case reflect.Pointer:
		return types.NewPointer(im.typeOf(t.Elem()))
	case reflect.Map:
		return types.NewMap(im.typeOf(t.Key()), im.typeOf(t.Elem()))
	case reflect.Chan:
		dir := types.SendRecv
		switch t.ChanDir() {
		case reflect.RecvDir:
			dir = types.RecvOnly
		case reflect.SendDir:
			dir = types.SendOnly
		}
		return types.NewChan(dir, im.typeOf(t.Elem()))
	case reflect.Func:
		return im.signature(t, 0, nil)
	case reflect.Struct:
		var fields []*types.Var
		var tags []string
		for i := range t.NumField() {
			f := t.Field(i)
			fp := pkg
			if f.PkgPath != "" {
				fp = im.pkg(f.PkgPath)
			}
			fields = append(fields, types.NewField(token.NoPos, fp, f.Name, im.typeOf(f.Type), f.Anonymous))
			tags = append(tags, string(f.Tag))
		}
		return types.NewStruct(fields, tags)
	case reflect.Interface:
		if t.NumMethod() == 0 {
			if pkg == nil {
				// Printed as Go code spells it today: any.
				return types.Universe.Lookup("any").Type()
			}
			return types.NewInterfaceType(nil, nil)
		}
		var methods []*types.Func
		for i := range t.NumMethod() {
			m := t.Method(i)
			mp := pkg
			if m.PkgPath != "" {
				mp = im.pkg(m.PkgPath)
			}
			methods = append(methods, types.NewFunc(token.NoPos, mp, m.Name, im.signature(m.Type, 0, nil)))
		}
		return types.NewInterfaceType(methods, nil).Complete()
	}
	return types.Typ[types.Invalid]
}
