package session

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// closureGen writes random function literals over the closure compiler's
// subset.
type closureGen struct {
	r      *rand.Rand
	ints   []string // int variables in scope
	strs   []string // string variables in scope
	floats []string
}

var intConsts = []string{"0", "1", "-1", "2", "3", "7", "-9", "1000003", "9223372036854775807", "-9223372036854775808"}
var strConsts = []string{`""`, `"a"`, `"héllo"`, `"日本語"`, `"x y"`, `"Z"`}

func (g *closureGen) pick(xs []string) string { return xs[g.r.Intn(len(xs))] }

// intExpr is never constant: go/types folds constants, and rejects a
// constant that overflows or divides by zero.
func (g *closureGen) intExpr(d int) string {
	if d <= 0 || g.r.Intn(4) == 0 {
		if len(g.strs) > 0 && (len(g.ints) == 0 || g.r.Intn(3) == 0) {
			return "len(" + g.strExpr(d-1) + ")"
		}
		if len(g.ints) == 0 {
			return "int(" + g.floatExpr(0) + ")"
		}
		return g.pick(g.ints)
	}
	other := g.pick(intConsts)
	if g.r.Intn(2) == 0 {
		other = g.intExpr(d - 1)
	}
	op := []string{"+", "-", "*", "/", "%"}[g.r.Intn(5)]
	if (op == "/" || op == "%") && other == "0" {
		other = "3"
	}
	if (op == "/" || op == "%") && strings.HasPrefix(other, "-9223372036854775808") {
		other = "7"
	}
	switch g.r.Intn(5) {
	case 0:
		return "-(" + g.intExpr(d-1) + ")"
	case 1:
		return "(" + other + " " + op + " " + g.intExpr(d-1) + ")"
	}
	return "(" + g.intExpr(d-1) + " " + op + " " + other + ")"
}

func (g *closureGen) floatExpr(d int) string {
	if len(g.floats) > 0 {
		if d <= 0 || g.r.Intn(3) == 0 {
			return g.pick(g.floats)
		}
		return "(" + g.floatExpr(d-1) + " " + []string{"+", "-", "*", "/"}[g.r.Intn(4)] + " " + []string{"0.5", "2", "1e300", "-1.25"}[g.r.Intn(4)] + ")"
	}
	return "float64(" + g.intExpr(d-1) + ")"
}

func (g *closureGen) strExpr(d int) string {
	if d <= 0 || g.r.Intn(3) == 0 {
		if len(g.strs) == 0 {
			return "string(rune(" + g.intExpr(0) + "))"
		}
		return g.pick(g.strs)
	}
	switch g.r.Intn(6) {
	case 0:
		return "strings.ToUpper(" + g.strExpr(d-1) + ")"
	case 1:
		return "strings.Repeat(" + g.strExpr(d-1) + ", " + []string{"0", "2", "-1", "3"}[g.r.Intn(4)] + ")"
	case 2:
		return "strings.TrimSpace(" + g.strExpr(d-1) + ")"
	case 3:
		return "string(rune(" + g.intExpr(d-1) + "))"
	}
	return g.strExpr(d-1) + " + " + g.pick(strConsts)
}

func (g *closureGen) boolExpr(d int) string {
	if d > 0 && g.r.Intn(3) == 0 {
		op := []string{"&&", "||"}[g.r.Intn(2)]
		return "(" + g.boolExpr(d-1) + " " + op + " " + g.boolExpr(d-1) + ")"
	}
	if d > 0 && g.r.Intn(5) == 0 {
		return "!(" + g.boolExpr(d-1) + ")"
	}
	cmp := []string{"==", "!=", "<", "<=", ">", ">="}[g.r.Intn(6)]
	if len(g.strs) > 0 && g.r.Intn(2) == 0 {
		if g.r.Intn(3) == 0 {
			return "strings.Contains(" + g.strExpr(d-1) + ", " + g.pick(strConsts) + ")"
		}
		return g.strExpr(d-1) + " " + cmp + " " + g.pick(strConsts)
	}
	return g.intExpr(d-1) + " " + cmp + " " + g.pick(intConsts)
}

// body returns the statements of a function whose result is of kind
// result: an if/else, a local, a return.
func (g *closureGen) body(result string) string {
	ret := func() string {
		switch result {
		case "int":
			return g.intExpr(3)
		case "string":
			return g.strExpr(3)
		case "bool":
			return g.boolExpr(3)
		case "float64":
			return g.floatExpr(3)
		}
		return "engine.KV(" + g.strExpr(2) + ", " + g.intExpr(2) + ")"
	}
	var b strings.Builder
	if g.r.Intn(2) == 0 && len(g.floats) == 0 {
		// A local, used by the condition that follows.
		cmp := []string{"==", "!=", "<", "<=", ">", ">="}[g.r.Intn(6)]
		if len(g.ints) > 0 {
			fmt.Fprintf(&b, "n := %s; ", g.intExpr(2))
			g.ints = append(g.ints, "n")
			fmt.Fprintf(&b, "if n %s %s { return %s }; return %s", cmp, g.pick(intConsts), ret(), ret())
		} else {
			fmt.Fprintf(&b, "t := %s; ", g.strExpr(2))
			g.strs = append(g.strs, "t")
			fmt.Fprintf(&b, "if t %s %s { return %s }; return %s", cmp, g.pick(strConsts), ret(), ret())
		}
		return b.String()
	}
	switch g.r.Intn(3) {
	case 0:
		fmt.Fprintf(&b, "if %s { return %s }; return %s", g.boolExpr(2), ret(), ret())
	case 1:
		fmt.Fprintf(&b, "if %s { return %s } else if %s { return %s } else { return %s }", g.boolExpr(2), ret(), g.boolExpr(1), ret(), ret())
	default:
		fmt.Fprintf(&b, "return %s", ret())
	}
	return b.String()
}

type closureCase struct {
	src    string // the function literal
	params string
	inputs []string
}

// The variables that closures capture, and their values.
const capturedDecl = `k, u = 5, "ab"`

// shapeTables: how the Go program holds a shape's inputs.
var shapeTables = map[string]struct{ name, typ, args string }{
	"a, b int":    {"inIntInt", "[][2]int", "in[0], in[1]"},
	"a int":       {"inInt", "[]int", "in"},
	"s string":    {"inString", "[]string", "in"},
	"a, b string": {"inStringString", "[][2]string", "in[0], in[1]"},
	"x float64":   {"inFloat", "[]float64", "in"},
}

var shapes = []struct {
	params, result string
	ints, strs     []string
	floats         []string
}{
	{"a, b int", "int", []string{"a", "b"}, nil, nil},
	{"a int", "int", []string{"a"}, nil, nil},
	{"a int", "bool", []string{"a"}, nil, nil},
	{"a int", "string", []string{"a"}, nil, nil},
	{"s string", "string", nil, []string{"s"}, nil},
	{"s string", "int", nil, []string{"s"}, nil},
	{"s string", "bool", nil, []string{"s"}, nil},
	{"a, b string", "string", nil, []string{"a", "b"}, nil},
	{"x float64", "float64", nil, nil, []string{"x"}},
	// Captured variables.
	{"a, b int", "int", []string{"a", "b", "k"}, nil, nil},
	{"s string", "string", []string{"k"}, []string{"s", "u"}, nil},
	{"a int", "bool", []string{"a", "k"}, []string{"u"}, nil},
}

var shapeInputs = map[string][]string{
	"a, b int":    {"0, 0", "1, 0", "7, 3", "-9, 2", "9223372036854775807, 1", "-9223372036854775808, -1", "1000003, -7"},
	"a int":       {"0", "1", "-1", "7", "9223372036854775807", "-9223372036854775808", "65", "1114112"},
	"s string":    {`""`, `"a"`, `"héllo"`, `"日本語"`, `" x y "`, `"\xff"`},
	"a, b string": {`"", ""`, `"a", "b"`, `"héllo", "日本語"`, `" ", "Z"`},
	"x float64":   {"0", "1.5", "-2", "1e308"},
}

func generateClosures(n int) []closureCase {
	r := rand.New(rand.NewSource(17))
	var out []closureCase
	for len(out) < n {
		sh := shapes[len(out)%len(shapes)]
		g := &closureGen{r: r, ints: append([]string(nil), sh.ints...), strs: append([]string(nil), sh.strs...), floats: sh.floats}
		src := fmt.Sprintf("func(%s) %s { %s }", sh.params, sh.result, g.body(sh.result))
		out = append(out, closureCase{src: src, params: sh.params, inputs: shapeInputs[sh.params]})
	}
	return out
}

// outcome of one call: the result printed with %#v, or the panic. A
// session-compiled closure (placed) panics with Go's value at a position.
func callOutcome(f reflect.Value, args []reflect.Value, placed bool) (res string) {
	defer func() {
		if r := recover(); r != nil {
			if cp, ok := r.(*closurePanic); ok && placed && cp.Pos != "" {
				r = cp.Value
			} else if placed {
				res = "a panic not placed: "
			}
			res += fmt.Sprint("panic: ", r)
		}
	}()
	return fmt.Sprintf("%#v", f.Call(args)[0].Interface())
}

// TestClosureCompilerDifferential: a generated corpus of closures over
// the compiler's subset, with edge values (overflow, division by zero,
// empty strings, unicode, invalid UTF-8), gives the same results and the
// same panics compiled by Go, interpreted by yaegi and compiled by the
// session.
func TestClosureCompilerDifferential(t *testing.T) {
	cases := generateClosures(1200)
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("the differential test needs the Go toolchain")
	}

	// Go: one program calls every closure on its inputs, compiled without
	// optimisations (the build is most of the test's time).
	var prog strings.Builder
	prog.WriteString("package main\n\nimport (\n\t\"fmt\"\n\t\"strings\"\n)\n\nvar _ = strings.ToUpper\n\n")
	prog.WriteString("var " + capturedDecl + "\n\n")
	prog.WriteString("func call(f func() any) (res string) {\n\tdefer func() {\n\t\tif r := recover(); r != nil {\n\t\t\tres = fmt.Sprint(\"panic: \", r)\n\t\t}\n\t}()\n\treturn fmt.Sprintf(\"%#v\", f())\n}\n\n")
	for params, tab := range shapeTables {
		fmt.Fprintf(&prog, "var %s = %s{", tab.name, tab.typ)
		for _, in := range shapeInputs[params] {
			if strings.HasPrefix(tab.typ, "[][2]") {
				in = "{" + in + "}"
			}
			prog.WriteString(in + ", ")
		}
		prog.WriteString("}\n")
	}
	// One function per closure: the compiler is slow on one huge function.
	for i, c := range cases {
		tab := shapeTables[c.params]
		fmt.Fprintf(&prog, "func t%d() {\n\tf := %s\n\tfor _, in := range %s {\n\t\tfmt.Println(call(func() any { return f(%s) }))\n\t}\n}\n\n", i, c.src, tab.name, tab.args)
	}
	prog.WriteString("func main() {\n")
	for i := range cases {
		fmt.Fprintf(&prog, "\tt%d()\n", i)
	}
	prog.WriteString("}\n")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(prog.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module diff\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The Go side builds and runs while yaegi and the session run theirs.
	goDone := make(chan []byte, 1)
	go func() {
		build := exec.Command(goTool, "build", "-gcflags=-N -l", "-o", "corpus", ".")
		build.Dir = dir
		build.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
		if out, err := build.CombinedOutput(); err != nil {
			goDone <- append([]byte("go build of the corpus: "+err.Error()+"\n"), out...)
			return
		}
		out, err := exec.Command(filepath.Join(dir, "corpus")).CombinedOutput()
		if err != nil {
			out = append([]byte("the corpus: "+err.Error()+"\n"), out...)
		}
		goDone <- out
	}()

	yi := interp.New(interp.Options{Stdout: io.Discard, Stderr: io.Discard})
	if err := yi.Use(stdlib.Symbols); err != nil {
		t.Fatal(err)
	}
	if _, err := yi.Eval(`import "strings"`); err != nil {
		t.Fatal(err)
	}
	if _, err := yi.Eval("var " + capturedDecl); err != nil {
		t.Fatal(err)
	}
	// Outcomes of each call: session-compiled and yaegi.
	type outcome struct{ what, sess, yaegi string }
	var outcomes []outcome
	compiled := 0
	for i, c := range cases {
		sess, ok := compileLiteral(t, c.src)
		if !ok {
			t.Errorf("closure %d not compiled: %s", i, c.src)
			for range c.inputs {
				outcomes = append(outcomes, outcome{what: "not compiled"})
			}
			continue
		}
		compiled++
		name := fmt.Sprintf("fn%d", i)
		if _, err := yi.Eval(name + " := " + c.src); err != nil {
			t.Fatalf("yaegi: %s: %v", c.src, err)
		}
		yf, err := yi.Eval(name)
		if err != nil {
			t.Fatalf("yaegi: %s: %v", c.src, err)
		}
		for _, in := range c.inputs {
			args := argValues(t, yi, in, sess.Type())
			outcomes = append(outcomes, outcome{c.src + "(" + in + ")", callOutcome(sess, args, true), callOutcome(yf, args, false)})
		}
	}

	goOut := <-goDone
	want := strings.Split(strings.TrimRight(string(goOut), "\n"), "\n")
	if len(want) != len(outcomes) {
		t.Fatalf("the Go corpus printed %d lines; want %d\n%s", len(want), len(outcomes), goOut)
	}
	panics, yaegiCrashes := 0, 0
	for i, g := range want {
		o := outcomes[i]
		if strings.HasPrefix(g, "panic: ") {
			panics++
		}
		if o.what == "not compiled" {
			continue
		}
		if o.sess != g {
			t.Errorf("%s: session-compiled %q, Go %q", o.what, o.sess, g)
		}
		if o.yaegi != g {
			if strings.Contains(o.yaegi, "reflect: call of reflect.Value.Bool on int Value") {
				// yaegi v0.16.1 crashes on some chains of || over
				// negated ints: the interpreter's bug, not a result.
				yaegiCrashes++
				continue
			}
			t.Errorf("%s: yaegi %q, Go %q", o.what, o.yaegi, g)
		}
	}
	if panics < 50 {
		t.Errorf("the corpus panics on %d calls; want edge cases that panic", panics)
	}
	if yaegiCrashes > 0 {
		t.Logf("yaegi crashed on %d calls (reflect.Value.Bool on an int); the session's compiled closures gave Go's results", yaegiCrashes)
	}
	if yaegiCrashes > 64 {
		t.Errorf("yaegi crashed on %d calls; want the few known", yaegiCrashes)
	}
	if compiled < 1000 {
		t.Errorf("%d closures compiled; want at least 1000", compiled)
	}
}

func argValues(t *testing.T, yi *interp.Interpreter, in string, ft reflect.Type) []reflect.Value {
	t.Helper()
	var out []reflect.Value
	for i, a := range splitArgs(in) {
		v, err := yi.Eval(ft.In(i).String() + "(" + a + ")")
		if err != nil {
			t.Fatalf("argument %s: %v", a, err)
		}
		out = append(out, v.Convert(ft.In(i)))
	}
	return out
}

// splitArgs cuts "a, b" at commas outside string literals.
func splitArgs(s string) []string {
	var out []string
	depth, start, inStr := 0, 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && inStr:
			i++
		case c == '"':
			inStr = !inStr
		case c == '(' && !inStr:
			depth++
		case c == ')' && !inStr:
			depth--
		case c == ',' && !inStr && depth == 0:
			out = append(out, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	return append(out, strings.TrimSpace(s[start:]))
}

// compileLiteral checks the function literal src with go/types and
// compiles it with the session's closure compiler.
func compileLiteral(tb testing.TB, src string) (reflect.Value, bool) {
	tb.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "c.go", "package main\nimport (\n\t\"strings\"\n\t\"github.com/gostream/gostream/engine\"\n)\nvar _ = strings.ToUpper\nvar _ = engine.KV\nvar "+capturedDecl+"\nvar f = "+src+"\n", 0)
	if err != nil {
		tb.Fatalf("%s: %v", src, err)
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{},
		Uses: map[*ast.Ident]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{}}
	if _, err := (&types.Config{Importer: symbols()}).Check("main", fset, []*ast.File{f}, info); err != nil {
		tb.Fatalf("%s: %v", src, err)
	}
	var lit *ast.FuncLit
	ast.Inspect(f, func(n ast.Node) bool {
		if l, ok := n.(*ast.FuncLit); ok && lit == nil {
			lit = l
		}
		return lit == nil
	})
	pos := func(p token.Pos) string { at := fset.Position(p); return fmt.Sprintf("%d:%d", at.Line, at.Column) }
	cl, ok := compileClosure(closureSite{lit: lit, info: info, pos: pos})
	if !ok {
		return reflect.Value{}, false
	}
	// The captured variables: new ones, of capturedDecl's values.
	k, u := 5, "ab"
	var ptrs []any
	for _, obj := range cl.caps {
		switch obj.Name() {
		case "k":
			ptrs = append(ptrs, &k)
		case "u":
			ptrs = append(ptrs, &u)
		default:
			tb.Fatalf("%s captures %s", src, obj.Name())
		}
	}
	return reflect.ValueOf(cl.Make(ptrs)), true
}
