package session

import (
	"go/ast"
	"go/parser"
	"go/token"
)

// rewriteUnnamedParams names the unnamed parameters of every function and
// method the input declares or writes as a literal, as "_": the
// interpreter allocates no frame slot for an unnamed parameter but still
// copies the argument into one when compiled code calls the function (a
// listener's OnBatchCompleted(engine.BatchInfo), a closure passed to the
// engine), which overwrites a local of another type and panics with
// "reflect.Set: value of type ... is not assignable". A parameter named _
// gets its slot. Only the edited lines' columns move, by two per parameter.
func rewriteUnnamedParams(src string, chunks []chunk) string {
	var edits []edit
	for _, c := range chunks {
		if c.kind == importChunk {
			continue
		}
		text := src[c.start:c.end]
		pre, post := "package main;", ""
		if c.kind == stmtChunk {
			pre, post = "package main; func main() {\n", "\n}"
		}
		for _, off := range unnamedParamOffsets(pre + text + post) {
			if off -= len(pre); off >= 0 && off <= len(text) {
				edits = append(edits, edit{c.start + off, c.start + off, "_ "})
			}
		}
	}
	if len(edits) == 0 {
		return src
	}
	return applyEdits(src, edits)
}

// rewriteUnnamedParamsFile is rewriteUnnamedParams for a whole program file.
func rewriteUnnamedParamsFile(src string) string {
	var edits []edit
	for _, off := range unnamedParamOffsets(src) {
		edits = append(edits, edit{off, off, "_ "})
	}
	if len(edits) == 0 {
		return src
	}
	return applyEdits(src, edits)
}

// unnamedParamOffsets returns the offsets in file of the types of the
// unnamed parameters of its function declarations and literals, or nothing
// when file does not parse (the interpreter then reports the error).
func unnamedParamOffsets(file string) []int {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", file, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	var offs []int
	params := func(ft *ast.FuncType) {
		if ft == nil || ft.Params == nil {
			return
		}
		for _, p := range ft.Params.List {
			if len(p.Names) == 0 {
				offs = append(offs, fset.Position(p.Type.Pos()).Offset)
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			params(n.Type)
		case *ast.FuncLit:
			params(n.Type)
		}
		return true
	})
	return offs
}
