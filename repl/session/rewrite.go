package session

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"sync/atomic"
)

// rewriteCommaOk works around interpreter failures with statements at the
// top level of an input, which the interpreter runs as the body of a
// synthetic main function.
//
// A comma-ok form (v, ok := m[k] or v, ok := x.(T)) crashes yaegi there,
// while the same inside a function works. Such statements are rewritten,
// on their own line, into forms that evaluate the comma-ok inside a
// function literal:
//
//	v, ok := m[k]   →  ok := func() bool { _, ok := m[k]; return ok }(); v := m[k]
//	v, ok := x.(T)  →  ok := func() bool { _, ok := x.(T); return ok }(); var v T; if ok { v = x.(T) }
//
// Both evaluate m, k or x twice, which is harmless for the variables and
// field selections these forms nearly always use.
//
// A compound statement (if, for, switch, select, block) holding such a form
// or a type switch runs inside a function literal instead: its own
// variables are local to it anyway.
//
// A function literal called as a statement, func() { ... }(), is run again
// by the interpreter with every later declaration; it is bound to a
// variable and called through it, which the interpreter runs once.
func rewriteCommaOk(src string, chunks []chunk) string {
	var edits []edit
	const pre = "package main; func main() {\n"
	for _, c := range chunks {
		if c.kind != stmtChunk {
			continue
		}
		text := src[c.start:c.end]
		if !strings.Contains(text, ",") && !strings.Contains(text, "func") && !strings.Contains(text, ".(") {
			continue
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "", pre+text+"\n}", 0)
		if err != nil {
			continue
		}
		off := func(p token.Pos) int { return fset.Position(p).Offset - len(pre) }
		snip := func(n ast.Node) string { return text[off(n.Pos()):off(n.End())] }
		body := f.Decls[0].(*ast.FuncDecl).Body
		for _, st := range body.List {
			if repl, ok := wrapStatement(st, snip); ok {
				edits = append(edits, edit{c.start + off(st.Pos()), c.start + off(st.End()), repl})
				continue
			}
			as, ok := st.(*ast.AssignStmt)
			if !ok || as.Tok != token.DEFINE || len(as.Lhs) != 2 || len(as.Rhs) != 1 {
				continue
			}
			v, okName := snip(as.Lhs[0]), snip(as.Lhs[1])
			var repl string
			switch rhs := as.Rhs[0].(type) {
			case *ast.IndexExpr:
				e := snip(rhs)
				test := "func() bool { _, ok := " + e + "; return ok }()"
				switch {
				case okName == "_":
					repl = v + " := " + e
				case v == "_":
					repl = okName + " := " + test
				default:
					repl = okName + " := " + test + "; " + v + " := " + e
				}
			case *ast.TypeAssertExpr:
				if rhs.Type == nil {
					continue
				}
				e := snip(rhs)
				test := "func() bool { _, ok := " + e + "; return ok }()"
				typ := snip(rhs.Type)
				switch {
				case okName == "_" && v == "_":
					continue
				case v == "_":
					repl = okName + " := " + test
				case okName == "_":
					repl = "var " + v + " " + typ + "; if " + test + " { " + v + " = " + e + " }"
				default:
					repl = okName + " := " + test + "; var " + v + " " + typ + "; if " + okName + " { " + v + " = " + e + " }"
				}
			default:
				continue
			}
			edits = append(edits, edit{c.start + off(as.Pos()), c.start + off(as.End()), repl})
		}
	}
	return applyEdits(src, edits)
}

// rewriteSeq numbers the variables rewriting introduces, unique in a process.
var rewriteSeq atomic.Int64

// wrapStatement returns the replacement of a top-level statement that the
// interpreter cannot run as it is (see rewriteCommaOk).
func wrapStatement(st ast.Stmt, snip func(ast.Node) string) (string, bool) {
	switch st := st.(type) {
	case *ast.ExprStmt:
		call, ok := st.X.(*ast.CallExpr)
		if !ok {
			return "", false
		}
		lit, ok := call.Fun.(*ast.FuncLit)
		if !ok {
			return "", false
		}
		args := snip(call)[len(snip(lit)):]
		name := fmt.Sprintf("__gostreamCall%d", rewriteSeq.Add(1))
		return name + " := " + snip(lit) + "; " + name + args, true
	case *ast.IfStmt, *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt,
		*ast.SelectStmt, *ast.BlockStmt:
		if needsFunction(st) {
			name := fmt.Sprintf("__gostreamBlock%d", rewriteSeq.Add(1))
			return name + " := func() { " + snip(st) + " }; " + name + "()", true
		}
	}
	return "", false
}

// needsFunction reports whether a compound statement holds, outside
// function literals, a comma-ok form or a type switch.
func needsFunction(st ast.Stmt) bool {
	found := false
	ast.Inspect(st, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.TypeSwitchStmt:
			found = true
		case *ast.AssignStmt:
			if len(n.Lhs) == 2 && len(n.Rhs) == 1 {
				switch r := n.Rhs[0].(type) {
				case *ast.IndexExpr, *ast.TypeAssertExpr:
					found = true
				case *ast.UnaryExpr:
					found = found || r.Op == token.ARROW
				}
			}
		}
		return !found
	})
	return found
}
