package session

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoTypeNamesInErrors: compile errors name types as Go does, not by
// the interpreter's type categories (stringT, intT).
func TestGoTypeNamesInErrors(t *testing.T) {
	s, _ := newSession(t)
	cases := []struct{ name, src, want string }{
		{"string for int", "func f() int {\n  return \"s\"\n}", `2:10: cannot use "s" (type string) as type int in return argument`},
		{"second result", "func h() (bool, string) { return 1.5, 1 }", "(type float64) as type bool in return argument"},
		{"sized kinds", "func k() uint16 { return int8(1) }", "(type int8) as type uint16 in return argument"},
		{"complex", "func z() complex64 { return \"c\" }", "(type string) as type complex64 in return argument"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Eval(context.Background(), c.src)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Eval(%q) = %v; want %q", c.src, err, c.want)
			}
		})
	}

	p, err := New(Options{Program: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	path := filepath.Join(t.TempDir(), "prog.go")
	if err := os.WriteFile(path, []byte("package main\n\nfunc f() int {\n\treturn \"s\"\n}\n\nfunc main() { f() }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	want := path + `:4:9: cannot use "s" (type string) as type int in return argument`
	if err := p.RunFile(context.Background(), path); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("RunFile = %v; want %q", err, want)
	}
}

func TestGoTypeNames(t *testing.T) {
	cases := []struct{ in, want string }{
		{"(type stringT) as type intT", "(type string) as type int"},
		{"type uint64T, type uintptrT, type complex64T", "type uint64, type uintptr, type complex64"},
		{"type sliceT and type ptrT and type nilT", "type slice and type pointer and type untyped nil"},
		{"undefined: intT", "undefined: intT"},
		{"type intTotal", "type intTotal"},
	}
	for _, c := range cases {
		if got := goTypeNames(c.in); got != c.want {
			t.Errorf("goTypeNames(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}
