package session

import (
	"errors"
	"go/scanner"
	"go/token"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/gostream/gostream/engine"
)

// undefinedRE matches the interpreter's messages about a name that does
// not exist: a method or field (of the selector's receiver), a member of a
// package, or a bare name.
var undefinedRE = regexp.MustCompile(`(?:undefined method:? |undefined selector:? |package (\w+) "[^"]*" has no symbol |undefined: )(\w+)$`)

// gcUndefinedRE matches the Go compiler's messages about a name that does
// not exist: a member of a package (undefined: strings.Fieldz), or a field
// or method (x.Mapp undefined (type T has no field or method Mapp)).
var gcUndefinedRE = regexp.MustCompile(`(?:undefined: (\w+)\.(\w+)| undefined \(type .* has no field or method (\w+)\))$`)

// suggest adds "(did you mean X?)" to each line of msg that reports an
// undefined name for which a known name is a likely typo: a member of the
// receiver (lines.FlatMapp → FlatMap), a package member (strings.Fieldz →
// Fields) or a name of the session. src is the input the message is about;
// the caller holds evalMu.
func (s *Session) suggest(msg, src string) string {
	lines := strings.Split(msg, "\n")
	for i, l := range lines {
		if strings.HasSuffix(l, " to engine.OpOption") {
			// ReduceByKey(f, 4): the seed's positional [numTasks].
			lines[i] = l + " (optional parameters are options: engine.NumTasks(n), engine.Inverse(f), engine.FilterFunc(f), engine.InitialState(rdd))"
			continue
		}
		if strings.Contains(l, " as engine.OpOption value in argument to ") {
			lines[i] = l + " (optional parameters are options: engine.NumTasks(n), engine.Inverse(f), engine.FilterFunc(f), engine.InitialState(rdd))"
			continue
		}
		m := undefinedRE.FindStringSubmatch(l)
		if g := gcUndefinedRE.FindStringSubmatch(l); g != nil {
			// The same question in the interpreter's terms.
			if g[3] != "" {
				m = []string{"undefined method: " + g[3], "", g[3]}
			} else {
				m = []string{"", g[1], g[2]}
			}
		}
		if m == nil {
			continue
		}
		pkg, name := m[1], m[2]
		if hint, ok := sparkOnly[name]; ok {
			lines[i] = l + " (" + hint + ")"
			continue
		}
		var known []string
		switch {
		case pkg != "":
			known = s.members(pkg)
		case strings.HasPrefix(m[0], "undefined: "):
			if q := s.qualified(name); q != "" {
				// Seconds(1), as Scala's imports allow: engine.Seconds.
				lines[i] = l + " (did you mean " + q + "?)"
				continue
			}
			known = s.bareNames()
		default:
			known = s.receiverMembers(src, name)
		}
		if best := closest(name, known); best != "" && best != "iota" {
			lines[i] = l + " (did you mean " + best + "?)"
		}
	}
	return strings.Join(lines, "\n")
}

// qualified returns pkg.name for the first imported package (engine
// first) that exports name, or "".
func (s *Session) qualified(name string) string {
	if name == "" || !unicode.IsUpper(rune(name[0])) {
		return ""
	}
	s.mu.Lock()
	var pkgs []string
	for p := range s.imports {
		pkgs = append(pkgs, p)
	}
	s.mu.Unlock()
	sort.Slice(pkgs, func(i, j int) bool {
		if (pkgs[i] == "engine") != (pkgs[j] == "engine") {
			return pkgs[i] == "engine"
		}
		return pkgs[i] < pkgs[j]
	})
	for _, p := range pkgs {
		if syms, ok := s.packageSymbols(p); ok {
			if _, ok := syms[name]; ok {
				return p + "." + name
			}
		}
	}
	return ""
}

// receiverMembers returns the members of the receiver of the selector
// ".name" in src: those of its type when the receiver is a name or a chain
// of selectors, else those of the engine's types that calls usually chain
// on (DStream, RDD, StreamingContext).
func (s *Session) receiverMembers(src, name string) []string {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var sc scanner.Scanner
	sc.Init(file, []byte(src), nil, 0)
	type tok struct {
		t   token.Token
		lit string
	}
	var toks []tok
	for {
		_, t, lit := sc.Scan()
		if t == token.EOF {
			break
		}
		toks = append(toks, tok{t, lit})
	}
	for i := 2; i < len(toks); i++ {
		if toks[i].t != token.IDENT || toks[i].lit != name || toks[i-1].t != token.PERIOD {
			continue
		}
		// Walk back over "a.b.c" before ".name".
		j := i - 2
		chain := []string{}
		for j >= 0 && toks[j].t == token.IDENT {
			chain = append([]string{toks[j].lit}, chain...)
			if j >= 1 && toks[j-1].t == token.PERIOD {
				j -= 2
				continue
			}
			break
		}
		if len(chain) == 0 || (j >= 0 && toks[j].t == token.PERIOD) {
			break // the receiver is a call or an index: not a chain
		}
		if t, ok := s.typeOfLocked(strings.Join(chain, ".")); ok {
			return append(typeMembers(t), s.interpretedMethods(t)...)
		}
		break
	}
	var out []string
	for _, t := range []reflect.Type{
		reflect.TypeFor[*engine.DStream](), reflect.TypeFor[*engine.RDD](), reflect.TypeFor[*engine.StreamingContext](),
	} {
		out = append(out, typeMembers(t)...)
	}
	return out
}

// closest returns the names among known most like name, if they are close
// enough to be a typo: at most two edits (a swap of neighbours is one),
// fewer than half its letters, not counting case. Several equally close
// names are joined with "or" (at most three).
func closest(name string, known []string) string {
	var best []string
	bestD := 3
	seen := map[string]bool{}
	for _, k := range known {
		if k == name || k == "" || seen[k] || !unicode.IsLetter(rune(k[0])) {
			continue
		}
		seen[k] = true
		d := editDistance(strings.ToLower(name), strings.ToLower(k))
		if 2*d >= len(name) || d > bestD {
			continue
		}
		if d < bestD {
			best, bestD = nil, d
		}
		best = append(best, k)
	}
	sort.Strings(best)
	if len(best) > 3 {
		best = best[:3]
	}
	return strings.Join(best, " or ")
}

// editDistance is the number of insertions, deletions, substitutions and
// swaps of neighbouring bytes that turn a into b (optimal string
// alignment).
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// pinpoint moves the position of an engine.Error raised while building a
// graph to the operation that raised it. The interpreter reports the
// statement (for a chain over several lines, its first line); when the
// operation's name occurs once as a method call at or after that position
// in chunk c of src (lines.FlatMap(...).Map(bad) → the Map), the message
// gets that position instead.
func pinpoint(ee *EvalError, c chunk, src string) {
	var e *engine.Error
	if !errors.As(ee.Err, &e) || e.Time != 0 {
		return
	}
	op := e.Op
	if i := strings.LastIndex(op, "."); i >= 0 {
		op = op[i+1:]
	}
	prefix := filePrefix(c.file)
	rest, ok := strings.CutPrefix(ee.Message, prefix)
	if !ok {
		prefix, rest = "", ee.Message
	}
	m := leadingPosRE.FindStringSubmatch(rest)
	if m == nil {
		return
	}
	line, col := atoi(m[1]), atoi(m[2])
	text := src[c.start:c.end]
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(text))
	var sc scanner.Scanner
	sc.Init(file, []byte(text), nil, 0)
	var prev token.Token
	found, fl, fc := 0, 0, 0
	for {
		pos, t, lit := sc.Scan()
		if t == token.EOF {
			break
		}
		if t == token.IDENT && lit == op && prev == token.PERIOD {
			p := fset.Position(pos)
			l, cl := c.line+p.Line-1, p.Column
			if p.Line == 1 {
				cl += c.col - 1
			}
			if l > line || l == line && cl >= col {
				found++
				fl, fc = l, cl
			}
		}
		prev = t
	}
	if found == 1 {
		ee.Message = prefix + strconv.Itoa(fl) + ":" + strconv.Itoa(fc) + rest[len(m[0]):]
	}
}

// leadingPosRE matches "line:col" at the start of a message.
var leadingPosRE = regexp.MustCompile(`^(\d+):(\d+)`)

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// DidYouMean returns the known names most like chain, a name or a selector
// chain that does not exist ("linez", "strings.Fieldz", "lines.FlatMapp"),
// with the same qualifier, joined with "or"; "" when none is close.
func (s *Session) DidYouMean(chain string) string {
	qual, name := "", chain
	if i := strings.LastIndex(chain, "."); i >= 0 {
		qual, name = chain[:i], chain[i+1:]
	}
	var known []string
	if qual == "" {
		known = s.bareNames()
	} else {
		known = s.members(qual)
	}
	best := closest(name, known)
	if best == "" || qual == "" {
		return best
	}
	parts := strings.Split(best, " or ")
	for i, p := range parts {
		parts[i] = qual + "." + p
	}
	return strings.Join(parts, " or ")
}

// habitHints adds to msg a line for habits from Scala and Spark that Go
// does not share: a lambda with =>, a lower-case method (words.map, where
// map is a keyword), a function returning a tuple where a Pair is meant.
func habitHints(ee *EvalError, src string) {
	switch ee.Name {
	case "CompileError":
		ee.Message = explainImport(ee.Message)
		if hasArrow(src) {
			ee.Message += "\nGo has no => lambdas: write a function literal, func(w string) int { return len(w) }"
		}
		if strings.Contains(ee.Message, "found 'map'") {
			ee.Message += "\nmethods start with a capital letter: Map"
		}
	case "engine.Error":
		if tupleResultRE.MatchString(ee.Message) {
			ee.Message += "\na function gives one result; for a pair, return engine.KV(k, v) (type engine.Pair)"
		}
	}
}

// importRE matches the interpreter's answer to the import of a package it
// does not have.
var importRE = regexp.MustCompile(`import "([^"]+)" error: unable to find source related to: "[^"]+"\. Either the GOPATH environment variable, or the Interpreter\.Options\.GoPath needs to be set`)

// explainImport rewrites the interpreter's answer to the import of a
// package it does not have, which speaks of GOPATH.
func explainImport(msg string) string {
	return importRE.ReplaceAllString(msg, `import "$1": package not available: the interpreter has the standard library (without os/exec, plugin, syscall and unsafe) and gostream's packages`)
}

// tupleResultRE matches an engine error about a function with several
// results: "got func(string) (string, int)".
var tupleResultRE = regexp.MustCompile(`got func\([^)]*\) \([^)]*,[^)]*\)$`)

// hasArrow reports whether src holds the tokens = and > next to each other
// (x => x + 1), outside strings and comments.
func hasArrow(src string) bool {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var sc scanner.Scanner
	sc.Init(file, []byte(src), func(token.Position, string) {}, 0)
	prev, prevEnd := token.ILLEGAL, -1
	for {
		pos, t, lit := sc.Scan()
		if t == token.EOF {
			return false
		}
		off := file.Offset(pos)
		if prev == token.ASSIGN && t == token.GTR && off == prevEnd {
			return true
		}
		prev, prevEnd = t, off+len(t.String())
		if lit != "" {
			prevEnd = off + len(lit)
		}
	}
}
