package session

import (
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strconv"
	"strings"
)

// chunkKind is the class of a top-level piece of an input. The interpreter
// evaluates imports, declarations and statements only when one evaluation
// holds a single class, so an input is cut into runs of one class each.
type chunkKind int

const (
	importChunk chunkKind = iota
	declChunk
	stmtChunk
)

func (k chunkKind) String() string {
	switch k {
	case importChunk:
		return "import"
	case declChunk:
		return "declaration"
	}
	return "statement"
}

// chunk is a run of consecutive top-level pieces of one class, with its
// position in the user's input.
type chunk struct {
	kind       chunkKind
	start, end int    // byte offsets into the input
	line, col  int    // 1-based position of start
	file       string // the file the input comes from, if any (EvalAt); its errors name it
	// lastExpr reports that the chunk's last piece is an expression
	// statement, whose value the input shows.
	lastExpr bool
	// lastText is the source of the last piece.
	lastText string
}

type piece struct {
	kind       chunkKind
	start, end int
	line, col  int
}

// split cuts src into chunks in source order. A scanner error (an
// unterminated literal, an illegal character) is returned as a
// scanner.ErrorList with positions in src.
func split(src string) ([]chunk, error) {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var errs scanner.ErrorList
	var sc scanner.Scanner
	sc.Init(file, []byte(src), func(pos token.Position, msg string) { errs.Add(pos, msg) }, 0)

	type tok struct {
		tok        token.Token
		start, end int
	}
	var pieces []piece
	var cur []tok
	depth := 0
	flush := func() {
		if len(cur) == 0 {
			return
		}
		p := piece{kind: classify(func(i int) token.Token {
			if i < len(cur) {
				return cur[i].tok
			}
			return token.EOF
		}), start: cur[0].start, end: cur[len(cur)-1].end}
		pos := file.Position(file.Pos(p.start))
		p.line, p.col = pos.Line, pos.Column
		pieces = append(pieces, p)
		cur = cur[:0]
	}
	for {
		pos, t, lit := sc.Scan()
		if t == token.EOF {
			break
		}
		off := file.Offset(pos)
		switch t {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
		}
		if t == token.SEMICOLON && depth <= 0 {
			flush()
			continue
		}
		n := len(lit)
		if n == 0 {
			n = len(t.String())
		}
		cur = append(cur, tok{t, off, off + n})
	}
	flush()
	if errs.Len() > 0 {
		errs.Sort()
		return nil, errs
	}

	var chunks []chunk
	for i, p := range pieces {
		if len(chunks) > 0 && chunks[len(chunks)-1].kind == p.kind {
			chunks[len(chunks)-1].end = p.end
		} else {
			chunks = append(chunks, chunk{kind: p.kind, start: p.start, end: p.end, line: p.line, col: p.col})
		}
		c := &chunks[len(chunks)-1]
		c.lastText = src[p.start:p.end]
		c.lastExpr = false
		if p.kind == stmtChunk && i == len(pieces)-1 {
			if _, err := parser.ParseExpr(c.lastText); err == nil {
				c.lastExpr = true
			}
		}
	}
	return chunks, nil
}

// classify decides the class of a piece from its leading tokens. "func"
// starts a declaration when a name follows it, directly or after a method
// receiver; otherwise it is a function literal in a statement.
func classify(at func(int) token.Token) chunkKind {
	switch at(0) {
	case token.IMPORT:
		return importChunk
	case token.CONST, token.TYPE, token.VAR:
		return declChunk
	case token.FUNC:
		switch at(1) {
		case token.IDENT:
			return declChunk
		case token.LPAREN:
			depth := 0
			for i := 1; ; i++ {
				switch at(i) {
				case token.LPAREN:
					depth++
				case token.RPAREN:
					depth--
					if depth == 0 {
						// func (r T) Name( is a method; func() T { a literal.
						if at(i+1) == token.IDENT && (at(i+2) == token.LPAREN || at(i+2) == token.LBRACK) {
							return declChunk
						}
						return stmtChunk
					}
				case token.EOF:
					return stmtChunk
				}
			}
		}
	}
	return stmtChunk
}

// padded returns the chunk's source placed at the same line and column as
// in the user's input, shifted down one line: the interpreter wraps the
// source in a synthetic first line, so every position it reports is one
// line below the user's. A line directive sets the line, so that a chunk on
// line 5,000 of a script costs no more than one on line 1 (the interpreter
// keeps a table of the lines of every source it compiled); spaces set the
// column. The directive keeps the interpreter's file name: it finds the
// packages a source imported by the name of its file.
func (c chunk) padded(src string) string {
	return c.lineDirective() + strings.Repeat(" ", c.col-1) + src[c.start:c.end]
}

// paddedImport is padded for a single import spec (without the keyword).
func (c chunk) paddedImport(src string) string {
	return c.lineDirective() + strings.Repeat(" ", max(c.col-8, 0)) + "import " + src[c.start:c.end]
}

// lineDirective returns a newline (ending the interpreter's synthetic first
// line) and a //line directive that numbers the next line.
func (c chunk) lineDirective() string {
	return "\n//line :" + strconv.Itoa(c.line+1) + ":1\n"
}

// declaredNames returns the names a declaration chunk declares at top level
// (functions, types, variables, constants), and for each type the String
// method receivers found: map type name → pointer receiver.
func declaredNames(src string) (names []string, stringers map[string]bool) {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package main;"+src, 0)
	if err != nil {
		return nil, nil
	}
	stringers = map[string]bool{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				names = append(names, d.Name.Name)
				continue
			}
			if d.Name.Name != "String" || d.Type.Params.NumFields() != 0 || d.Type.Results.NumFields() != 1 {
				continue
			}
			if id, ok := d.Type.Results.List[0].Type.(*ast.Ident); !ok || id.Name != "string" {
				continue
			}
			if len(d.Recv.List) != 1 {
				continue
			}
			rt := d.Recv.List[0].Type
			ptr := false
			if s, ok := rt.(*ast.StarExpr); ok {
				rt, ptr = s.X, true
			}
			if id, ok := rt.(*ast.Ident); ok {
				stringers[id.Name] = ptr
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					names = append(names, s.Name.Name)
				case *ast.ValueSpec:
					for _, n := range s.Names {
						names = append(names, n.Name)
					}
				}
			}
		}
	}
	return names, stringers
}

// importedNames returns local name → import path for an import chunk.
func importedNames(src string) map[string]string {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package main;"+src, parser.ImportsOnly)
	if err != nil {
		return nil
	}
	m := map[string]string{}
	for _, im := range f.Imports {
		path := strings.Trim(im.Path.Value, "\"`")
		name := path[strings.LastIndex(path, "/")+1:]
		if im.Name != nil {
			name = im.Name.Name
		}
		if name == "_" || name == "." {
			continue
		}
		m[name] = path
	}
	return m
}

// importSpecs returns one chunk per import in an import chunk, leaving out
// those already imported under the same name (the interpreter rejects a
// second import of a package).
func importSpecs(src string, c chunk, imported map[string]string) []chunk {
	const pre = "package main;"
	text := src[c.start:c.end]
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", pre+text, parser.ImportsOnly)
	if err != nil {
		return []chunk{c} // let the interpreter report it
	}
	var out []chunk
	for _, im := range f.Imports {
		path := strings.Trim(im.Path.Value, "\"`")
		name := path[strings.LastIndex(path, "/")+1:]
		if im.Name != nil {
			name = im.Name.Name
		}
		if imported[name] == path {
			continue
		}
		start := fset.Position(im.Pos()).Offset - len(pre) + c.start
		end := fset.Position(im.End()).Offset - len(pre) + c.start
		_, col := lineCol(src, start)
		// Lines count from the chunk's, which may be a script's (EvalAt).
		line := c.line + strings.Count(src[c.start:start], "\n")
		spec := src[start:end]
		out = append(out, chunk{kind: importChunk, start: start, end: end, line: line, col: col, file: c.file, lastText: spec})
	}
	return out
}

// lineCol returns the 1-based line and column (in bytes) of offset off.
func lineCol(src string, off int) (line, col int) {
	line = 1 + strings.Count(src[:off], "\n")
	col = off - strings.LastIndexByte(src[:off], '\n')
	return line, col
}

// declaredMethods returns, for a declaration chunk, the methods it declares
// by receiver type name.
func declaredMethods(src string) map[string][]string {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package main;"+src, 0)
	if err != nil {
		return nil
	}
	m := map[string][]string{}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv == nil || len(fd.Recv.List) != 1 {
			continue
		}
		rt := fd.Recv.List[0].Type
		if st, ok := rt.(*ast.StarExpr); ok {
			rt = st.X
		}
		if id, ok := rt.(*ast.Ident); ok {
			m[id.Name] = append(m[id.Name], fd.Name.Name)
		}
	}
	return m
}
