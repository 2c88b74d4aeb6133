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
	inputs []string
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
		out = append(out, closureCase{src: src, inputs: shapeInputs[sh.params]})
	}
	return out
}

// outcome of one call: the result printed with %#v, or the panic.
func callOutcome(f reflect.Value, args []reflect.Value) (res string) {
	defer func() {
		if r := recover(); r != nil {
			if cp, ok := r.(*closurePanic); ok {
				// The session-compiled closure's panic: Go's value, placed.
				if cp.Pos == "" {
					res = "panic without a position: "
				}
				r = cp.Value
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

	// Go: one program calls every closure on its inputs.
	var prog strings.Builder
	prog.WriteString("package main\n\nimport (\n\t\"fmt\"\n\t\"strings\"\n)\n\nvar _ = strings.ToUpper\n\n")
	prog.WriteString("func call(f func() any) (res string) {\n\tdefer func() {\n\t\tif r := recover(); r != nil {\n\t\t\tres = fmt.Sprint(\"panic: \", r)\n\t\t}\n\t}()\n\treturn fmt.Sprintf(\"%#v\", f())\n}\n\n")
	// One function per closure: the compiler is slow on one huge function.
	for i, c := range cases {
		fmt.Fprintf(&prog, "func t%d() {\n\tf := %s\n", i, c.src)
		for _, in := range c.inputs {
			fmt.Fprintf(&prog, "\tfmt.Println(call(func() any { return f(%s) }))\n", in)
		}
		prog.WriteString("}\n\n")
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
	cmd := exec.Command(goTool, "run", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	goOut, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go run of the corpus: %v\n%s", err, goOut)
	}
	want := strings.Split(strings.TrimRight(string(goOut), "\n"), "\n")

	yi := interp.New(interp.Options{Stdout: io.Discard, Stderr: io.Discard})
	if err := yi.Use(stdlib.Symbols); err != nil {
		t.Fatal(err)
	}
	if _, err := yi.Eval(`import "strings"`); err != nil {
		t.Fatal(err)
	}
	line, compiled, yaegiCrashes := 0, 0, 0
	for i, c := range cases {
		sess, ok := compileLiteral(t, c.src)
		if !ok {
			t.Errorf("closure %d not compiled: %s", i, c.src)
			line += len(c.inputs)
			continue
		}
		compiled++
		name := fmt.Sprintf("fn%d", i)
		if _, err := yi.Eval("var " + name + " = " + c.src); err != nil {
			t.Fatalf("yaegi: %s: %v", c.src, err)
		}
		yf, err := yi.Eval(name)
		if err != nil {
			t.Fatalf("yaegi: %s: %v", c.src, err)
		}
		for _, in := range c.inputs {
			args := argValues(t, yi, in, sess.Type())
			g := want[line]
			line++
			if got := callOutcome(sess, args); got != g {
				t.Errorf("%s(%s): session-compiled %q, Go %q", c.src, in, got, g)
			}
			if got := callOutcome(yf, args); got != g {
				if strings.Contains(got, "reflect: call of reflect.Value.Bool on int Value") {
					// yaegi v0.16.1 crashes on some chains of || over
					// negated ints: the interpreter's bug, not a result.
					yaegiCrashes++
					continue
				}
				t.Errorf("%s(%s): yaegi %q, Go %q", c.src, in, got, g)
			}
		}
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
	f, err := parser.ParseFile(fset, "c.go", "package p\nimport (\n\t\"strings\"\n\t\"github.com/gostream/gostream/engine\"\n)\nvar _ = strings.ToUpper\nvar _ = engine.KV\nvar f = "+src+"\n", 0)
	if err != nil {
		tb.Fatalf("%s: %v", src, err)
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{},
		Uses: map[*ast.Ident]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{}}
	if _, err := (&types.Config{Importer: symbols()}).Check("p", fset, []*ast.File{f}, info); err != nil {
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
	return reflect.ValueOf(cl.Make(nil)), true
}
