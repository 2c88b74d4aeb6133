package session

import (
	"fmt"
	"go/parser"
	"go/scanner"
	"go/token"
	"reflect"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	gsstdlib "github.com/gostream/gostream/stdlib"
)

var keywords = []string{
	"break", "case", "chan", "const", "continue", "default", "defer", "else",
	"fallthrough", "for", "func", "go", "goto", "if", "import", "interface",
	"map", "package", "range", "return", "select", "struct", "switch", "type", "var",
}

var builtins = []string{
	"append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len",
	"make", "max", "min", "new", "panic", "print", "println", "real", "recover",
	"any", "bool", "byte", "comparable", "complex128", "complex64", "error",
	"false", "float32", "float64", "int", "int16", "int32", "int64", "int8",
	"iota", "nil", "rune", "string", "true", "uint", "uint16", "uint32",
	"uint64", "uint8", "uintptr",
}

func isIdentRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// identStart returns the offset where the identifier ending at cursor starts.
func identStart(src string, cursor int) int {
	i := cursor
	for i > 0 {
		r, n := utf8.DecodeLastRuneInString(src[:i])
		if !isIdentRune(r) {
			break
		}
		i -= n
	}
	return i
}

// chainBefore returns the selector chain (a.b.c) that ends just before the
// dot at offset dot, or "" when there is none.
func chainBefore(src string, dot int) string {
	end := dot
	i := dot
	for {
		j := identStart(src, i)
		if j == i {
			return ""
		}
		i = j
		if i > 0 && src[i-1] == '.' {
			i--
			continue
		}
		break
	}
	return src[i:end]
}

// Complete returns the completions of the name at cursor (a byte offset in
// src) and the range [start, end) of src they replace: variables,
// functions, types, packages, keywords and builtins for a bare name;
// exported members for pkg.Name; methods and fields of the value for
// value.Name (lines.Fl → FlatMap).
func (s *Session) Complete(src string, cursor int) (matches []string, start, end int) {
	if cursor < 0 || cursor > len(src) {
		cursor = len(src)
	}
	start = identStart(src, cursor)
	end = cursor
	for end < len(src) {
		r, n := utf8.DecodeRuneInString(src[end:])
		if !isIdentRune(r) {
			break
		}
		end += n
	}
	prefix := src[start:cursor]
	var cands []string
	if start > 0 && src[start-1] == '.' {
		chain := chainBefore(src, start-1)
		if chain == "" {
			return nil, start, end
		}
		cands = s.members(chain)
	} else {
		cands = s.bareNames()
	}
	seen := map[string]bool{}
	for _, c := range cands {
		if strings.HasPrefix(c, prefix) && !seen[c] {
			seen[c] = true
			matches = append(matches, c)
		}
	}
	sort.Strings(matches)
	return matches, start, end
}

func (s *Session) bareNames() []string {
	out := append([]string(nil), keywords...)
	out = append(out, builtins...)
	out = append(out, s.Globals()...)
	s.mu.Lock()
	for n := range s.imports {
		out = append(out, n)
	}
	s.mu.Unlock()
	return out
}

// packageSymbols returns the exported symbols of an imported package by
// its local name.
func (s *Session) packageSymbols(name string) (map[string]reflect.Value, bool) {
	s.mu.Lock()
	path, ok := s.imports[name]
	in := s.in
	s.mu.Unlock()
	if !ok {
		return nil, false
	}
	syms := in.Symbols(path)
	m, ok := syms[path]
	return m, ok
}

// members returns the names that may follow "chain.".
func (s *Session) members(chain string) []string {
	if !strings.Contains(chain, ".") {
		if syms, ok := s.packageSymbols(chain); ok {
			var out []string
			for n := range syms {
				if n != "" && unicode.IsUpper(rune(n[0])) {
					out = append(out, n)
				}
			}
			return out
		}
	}
	t, ok := s.typeOf(chain)
	if !ok {
		return nil
	}
	return append(typeMembers(t), s.interpretedMethods(t)...)
}

// interpretedMethods returns the methods declared in the session on the
// interpreted type t (or the type t points to).
func (s *Session) interpretedMethods(t reflect.Type) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]string(nil), s.methods[t]...)
	if t.Kind() == reflect.Pointer {
		out = append(out, s.methods[t.Elem()]...)
	}
	return out
}

// typeOf evaluates a name or selector chain (no calls, so no effects) and
// returns its type; a package-level type name gives that type. It gives up
// while an input is running.
func (s *Session) typeOf(chain string) (reflect.Type, bool) {
	if !s.evalMu.TryLock() {
		return nil, false
	}
	defer s.evalMu.Unlock()
	return s.typeOfLocked(chain)
}

// typeOfLocked is typeOf for a caller that holds evalMu.
func (s *Session) typeOfLocked(chain string) (reflect.Type, bool) {
	s.mu.Lock()
	in := s.in
	s.mu.Unlock()
	if pkg, name, ok := strings.Cut(chain, "."); ok && !strings.Contains(name, ".") {
		if syms, ok := s.packageSymbols(pkg); ok {
			if v, ok := syms[name]; ok {
				if v.Kind() == reflect.Pointer && v.Type().Elem().Kind() != reflect.Interface && v.IsNil() {
					// A type is exported as a nil pointer to it.
					return v.Type().Elem(), true
				}
				return v.Type(), true
			}
		}
	}
	v, err := s.quietEval(in, chain)
	if err != nil || !v.IsValid() {
		return nil, false
	}
	if v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	return v.Type(), true
}

// typeMembers lists exported methods of t (and of *t) and the fields of
// the struct t points to.
func typeMembers(t reflect.Type) []string {
	var out []string
	add := func(t reflect.Type) {
		for i := 0; i < t.NumMethod(); i++ {
			out = append(out, t.Method(i).Name)
		}
	}
	add(t)
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
		add(reflect.PointerTo(t))
	}
	st := t
	if st.Kind() == reflect.Pointer {
		st = st.Elem()
	}
	if st.Kind() == reflect.Struct {
		for i := 0; i < st.NumField(); i++ {
			if f := st.Field(i); f.IsExported() {
				out = append(out, f.Name)
			}
		}
	}
	return out
}

// Inspect describes the name at cursor: what it is and its type (a
// package member with its signature, a variable with its type and value).
func (s *Session) Inspect(src string, cursor int) (doc string, ok bool) {
	if cursor < 0 || cursor > len(src) {
		cursor = len(src)
	}
	end := cursor
	for end < len(src) {
		r, n := utf8.DecodeRuneInString(src[end:])
		if !isIdentRune(r) {
			break
		}
		end += n
	}
	start := identStart(src, end)
	if start == end {
		// The cursor is after "(": describe the function being called.
		i := strings.LastIndexByte(src[:cursor], '(')
		if i < 0 {
			return "", false
		}
		end = i
		start = identStart(src, end)
		if start == end {
			return "", false
		}
	}
	chain := src[start:end]
	if start > 0 && src[start-1] == '.' {
		if c := chainBefore(src, start-1); c != "" {
			chain = c + "." + chain
		}
	}
	return s.Describe(chain)
}

// Describe returns what a name or selector chain is, as :doc shows it.
func (s *Session) Describe(chain string) (string, bool) {
	s.mu.Lock()
	path, isPkg := s.imports[chain]
	s.mu.Unlock()
	if isPkg {
		return "package " + chain + " // import \"" + path + "\"", true
	}
	if pkg, name, ok := strings.Cut(chain, "."); ok {
		if syms, ok := s.packageSymbols(pkg); ok {
			typ, method, isMethod := strings.Cut(name, ".")
			v, ok := syms[typ]
			if !ok {
				return "", false
			}
			s.mu.Lock()
			path := s.imports[pkg]
			s.mu.Unlock()
			if !isMethod {
				return withDoc(describeSymbol(pkg, name, v), gsstdlib.Docs[path+"."+name]), true
			}
			// pkg.Type.Method
			if v.Kind() != reflect.Pointer || !v.IsNil() {
				return "", false
			}
			for _, t := range []reflect.Type{v.Type(), v.Type().Elem()} {
				if m, ok := t.MethodByName(method); ok {
					recv := t.String()
					sig := strings.TrimPrefix(m.Type.String(), "func(")
					sig = strings.TrimPrefix(strings.TrimPrefix(sig, recv), ", ")
					return withDoc("func ("+recv+") "+method+"("+sig, gsstdlib.Docs[path+"."+typ+"."+method]), true
				}
			}
			return "", false
		}
	}
	t, ok := s.typeOf(chain)
	if !ok {
		return "", false
	}
	desc := chain + " " + typeString(t)
	if t.Kind() != reflect.Func {
		return desc + memberList(t), true
	}
	if i := strings.LastIndexByte(chain, '.'); i > 0 && isSelectorChain(chain) {
		if recv, ok := s.typeOf(chain[:i]); ok {
			desc = withDoc(desc, methodDoc(recv, chain[i+1:]))
		}
	}
	return desc, true
}

// isSelectorChain reports whether chain is names joined by dots (so
// evaluating a part of it has no effects).
func isSelectorChain(chain string) bool {
	for _, part := range strings.Split(chain, ".") {
		if part == "" {
			return false
		}
		for _, r := range part {
			if !isIdentRune(r) {
				return false
			}
		}
	}
	return true
}

// methodDoc returns the doc comment of the method name of t (or of the
// type t points to), looking through embedded fields for a promoted
// method; "" when t has no such method or it has no doc comment.
func methodDoc(t reflect.Type, name string) string {
	for depth := 0; depth < 4; depth++ {
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if _, ok := reflect.PointerTo(t).MethodByName(name); !ok {
			if _, ok := t.MethodByName(name); !ok {
				return ""
			}
		}
		if t.Name() != "" {
			if doc := gsstdlib.Docs[t.PkgPath()+"."+t.Name()+"."+name]; doc != "" {
				return doc
			}
		}
		if t.Kind() != reflect.Struct {
			return ""
		}
		// A promoted method: find the embedded field that has it.
		var next reflect.Type
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.Anonymous {
				continue
			}
			ft := f.Type
			if _, ok := ft.MethodByName(name); ok {
				next = ft
				break
			}
			if ft.Kind() != reflect.Pointer {
				if _, ok := reflect.PointerTo(ft).MethodByName(name); ok {
					next = ft
					break
				}
			}
		}
		if next == nil {
			return ""
		}
		t = next
	}
	return ""
}

// withDoc puts a doc comment under a signature the way go doc prints
// it, indented by four spaces; what follows the signature's first line
// (a type's members) comes after the comment.
func withDoc(desc, doc string) string {
	if doc == "" {
		return desc
	}
	sig, rest, _ := strings.Cut(desc, "\n")
	var b strings.Builder
	b.WriteString(sig)
	for _, l := range strings.Split(doc, "\n") {
		b.WriteString("\n")
		if l != "" {
			b.WriteString("    " + l)
		}
	}
	if rest != "" {
		b.WriteString("\n" + rest)
	}
	return b.String()
}

// memberList lists the fields and the methods of t with their types, one a
// line, for :doc.
func memberList(t reflect.Type) string {
	var b strings.Builder
	st := t
	if st.Kind() == reflect.Pointer {
		st = st.Elem()
	}
	if st.Kind() == reflect.Struct {
		for i := 0; i < st.NumField(); i++ {
			if f := st.Field(i); f.IsExported() {
				fmt.Fprintf(&b, "\n    %s %s", f.Name, f.Type)
			}
		}
	}
	mt := t
	if mt.Kind() != reflect.Pointer && mt.Kind() != reflect.Interface {
		mt = reflect.PointerTo(t)
	}
	for i := 0; i < mt.NumMethod(); i++ {
		m := mt.Method(i)
		sig := m.Type.String()
		if mt.Kind() != reflect.Interface {
			// Drop the receiver from the method's func type.
			sig = strings.TrimPrefix(sig, "func(")
			sig = strings.TrimPrefix(strings.TrimPrefix(sig, mt.String()), ", ")
			sig = "func(" + sig
		}
		fmt.Fprintf(&b, "\n    %s%s", m.Name, strings.TrimPrefix(sig, "func"))
	}
	if b.Len() == 0 {
		return ""
	}
	return "\n" + b.String()
}

func describeSymbol(pkg, name string, v reflect.Value) string {
	full := pkg + "." + name
	switch {
	case v.Kind() == reflect.Func:
		return "func " + full + strings.TrimPrefix(typeString(v.Type()), "func")
	case v.Kind() == reflect.Pointer && v.IsNil():
		t := v.Type().Elem()
		return "type " + full + " " + kindString(t) + memberList(t)
	case v.CanAddr():
		return "var " + full + " " + typeString(v.Type())
	default:
		return "const " + full + " = " + formatConst(v)
	}
}

func kindString(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct:
		return "struct"
	case reflect.Interface:
		return "interface"
	}
	return t.Kind().String()
}

func formatConst(v reflect.Value) string {
	if v.CanInterface() {
		return strings.TrimSpace(strings.Trim(reflectString(v), "\n"))
	}
	return v.Type().String()
}

func reflectString(v reflect.Value) string {
	defer func() { recover() }()
	return sprint(v.Interface())
}

// typeString writes t the way Go source does, with package names instead
// of paths.
func typeString(t reflect.Type) string { return t.String() }

// IsComplete reports whether src is a complete input ("complete"), needs
// more lines ("incomplete", with the indent for the next line) or can never
// become valid ("invalid").
func (s *Session) IsComplete(src string) (status, indent string) {
	if strings.TrimSpace(src) == "" {
		return "complete", ""
	}
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var sc scanner.Scanner
	unterminated := false
	bad := false
	sc.Init(file, []byte(src), func(pos token.Position, msg string) {
		// A raw string or a /* comment may go on over lines; a "string"
		// or 'rune' cannot, and waiting for more lines would not help.
		if msg == "raw string literal not terminated" || msg == "comment not terminated" {
			unterminated = true
		} else {
			bad = true
		}
	}, 0)
	depth := 0
	var last token.Token
	for {
		_, t, lit := sc.Scan()
		if t == token.EOF {
			break
		}
		switch t {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
		}
		if !(t == token.SEMICOLON && lit == "\n") {
			last = t
		}
	}
	switch {
	case unterminated:
		return "incomplete", ""
	case bad || depth < 0:
		return "invalid", ""
	case depth > 0:
		return "incomplete", strings.Repeat("\t", depth)
	}
	switch last {
	case token.ADD, token.SUB, token.MUL, token.QUO, token.REM, token.AND, token.OR,
		token.XOR, token.SHL, token.SHR, token.AND_NOT, token.LAND, token.LOR,
		token.EQL, token.NEQ, token.LSS, token.GTR, token.LEQ, token.GEQ,
		token.ASSIGN, token.DEFINE, token.COMMA, token.PERIOD, token.ARROW,
		token.ADD_ASSIGN, token.SUB_ASSIGN, token.MUL_ASSIGN, token.QUO_ASSIGN:
		return "incomplete", ""
	}
	chunks, err := split(src)
	if err != nil {
		return "invalid", ""
	}
	for _, c := range chunks {
		text := src[c.start:c.end]
		var perr error
		if c.kind == stmtChunk {
			_, perr = parser.ParseFile(token.NewFileSet(), "", "package main; func main() {\n"+text+"\n}", 0)
		} else {
			_, perr = parser.ParseFile(token.NewFileSet(), "", "package main;\n"+text, 0)
		}
		if perr != nil {
			return "invalid", ""
		}
	}
	return "complete", ""
}

func sprint(v any) string { return fmt.Sprint(v) }
