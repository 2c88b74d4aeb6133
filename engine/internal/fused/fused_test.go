package fused

import (
	"reflect"
	"strings"
	"testing"
)

type pair struct{ Key, Value any }

func strs(xs ...string) Strs {
	return func(_ int, emit func(string)) {
		for _, x := range xs {
			emit(x)
		}
	}
}

func collect(s Strs) []string {
	var got []string
	s(0, func(w string) { got = append(got, w) })
	return got
}

func TestEachFieldMatchesStringsFields(t *testing.T) {
	for _, s := range []string{"", " ", "a", " a ", "a  b\tc\nd\re\vf\fg", "\u00a0x\u2003y z", "héllo wörld", "x\x85y", "\xff\xfe a"} {
		var got []string
		EachField(s, func(w string) { got = append(got, w) })
		if want := strings.Fields(s); !reflect.DeepEqual(got, want) && (len(got) != 0 || len(want) != 0) {
			t.Errorf("EachField(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestPaths(t *testing.T) {
	noFail := func(r any) { t.Fatalf("fail(%v)", r) }
	in := strs("a b", "", "c")
	tests := []struct {
		name string
		path Strs
		want []string
	}{
		{"fields", FlatMap(in, strings.Fields, true, noFail), []string{"a", "b", "c"}},
		{"func", FlatMap(in, func(s string) []string { return []string{s, s} }, false, noFail), []string{"a b", "a b", "", "", "c", "c"}},
		{"filter", Filter(in, func(s string) bool { return s != "" }, noFail), []string{"a b", "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := collect(tt.path); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMapSplitsTypedAndOther(t *testing.T) {
	m := Map(strs("ab", "c"), func(s string) pair {
		if len(s) == 1 {
			return pair{len(s), s}
		}
		return pair{s, len(s)}
	}, func(r any) { t.Fatalf("fail(%v)", r) })
	var typed []string
	var keys, other []any
	m(0, func(k string, key any, v int) { typed = append(typed, k); keys = append(keys, key) }, func(x any) { other = append(other, x) })
	if !reflect.DeepEqual(typed, []string{"ab"}) || keys[0] != "ab" {
		t.Errorf("typed = %q (boxed %v), want [ab]", typed, keys)
	}
	if !reflect.DeepEqual(other, []any{pair{1, "c"}}) {
		t.Errorf("other = %v, want [{1 c}]", other)
	}
}

func TestFailOnlyForTheUsersPanic(t *testing.T) {
	var failed any
	f := FlatMap(strs("ok", "bad"), func(s string) []string {
		if s == "bad" {
			panic("boom")
		}
		return []string{s}
	}, false, func(r any) { failed = r; panic("failed") })
	func() {
		defer func() { recover() }()
		f(0, func(string) {})
	}()
	if failed != "boom" {
		t.Errorf("fail got %v, want boom", failed)
	}
	failed = nil
	func() {
		defer func() {
			if r := recover(); r != "downstream" {
				t.Errorf("downstream panic = %v", r)
			}
		}()
		Filter(strs("x"), func(string) bool { return true }, func(r any) { failed = r })(0, func(string) { panic("downstream") })
	}()
	if failed != nil {
		t.Errorf("a downstream panic was blamed on the function: %v", failed)
	}
}
