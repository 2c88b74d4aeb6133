package session

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoTypeNamesInErrors: compile errors are the Go compiler's, found by
// the type check before the interpreter sees the input.
func TestGoTypeNamesInErrors(t *testing.T) {
	s, _ := newSession(t)
	cases := []struct{ name, src, want string }{
		{"string for int", "func f() int {\n  return \"s\"\n}", `2:10: cannot use "s" (untyped string constant) as int value in return statement`},
		{"second result", "func h() (bool, string) { return 1.5, 1 }", "1:34: cannot use 1.5 (untyped float constant) as bool value in return statement\n1:39: cannot use 1 (untyped int constant) as string value in return statement"},
		{"sized kinds", "func k() uint16 { return int8(1) }", "1:26: cannot use int8(1) (constant 1 of type int8) as uint16 value in return statement"},
		{"complex", "func z() complex64 { return \"c\" }", `1:29: cannot use "c" (untyped string constant) as complex64 value in return statement`},
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
	want := path + `:4:9: cannot use "s" (untyped string constant) as int value in return statement`
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
