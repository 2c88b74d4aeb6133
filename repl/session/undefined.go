package session

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strconv"
	"strings"
)

// explainLoop improves the interpreter's "constant definition loop", which
// it reports for a definition that uses an undefined name (y := x + nosuch):
// the chunk is type-checked on its own, and the first name that is neither
// known to go/types nor declared in the session is reported as undefined.
// padded is the chunk as evaluated (see chunk.padded); it returns "" when no
// such name is found.
func (s *Session) explainLoop(c chunk, padded string) string {
	var src string
	if c.kind == stmtChunk {
		src = "package main; func main() {" + padded + "\n}"
	} else {
		src = "package main;" + padded
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, 0)
	if err != nil {
		return ""
	}
	known := map[string]bool{}
	for _, n := range s.Globals() {
		known[n] = true
	}
	s.mu.Lock()
	for n := range s.imports {
		known[n] = true
	}
	s.mu.Unlock()
	var first *types.Error
	conf := types.Config{
		Importer: failingImporter{},
		Error: func(err error) {
			te, ok := err.(types.Error)
			if !ok || first != nil {
				return
			}
			name, isUndefined := strings.CutPrefix(te.Msg, "undefined: ")
			if isUndefined && !known[name] {
				first = &te
			}
		},
	}
	conf.Check("main", fset, []*ast.File{f}, nil)
	if first == nil {
		return ""
	}
	pos := fset.Position(first.Pos)
	return strconv.Itoa(pos.Line-1) + ":" + strconv.Itoa(pos.Column) + ": " + first.Msg
}

type failingImporter struct{}

func (failingImporter) Import(path string) (*types.Package, error) {
	return nil, errNoImports
}

var errNoImports = &types.Error{Msg: "no imports while explaining an error"}
