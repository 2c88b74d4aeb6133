package fused

import (
	"strings"
	"unicode/utf8"
)

// Strs pushes partition p's elements, strings, to emit.
type Strs func(p int, emit func(string))

// StrInts pushes partition p's (string, int) elements to emit, with the
// key as it was boxed (nil when none was), and any other element to other.
type StrInts func(p int, emit func(k string, key any, v int), other func(any))

// FlatMap is the typed path of FlatMap(g) over each; fields says g is
// strings.Fields, split here without allocating.
func FlatMap(each Strs, g func(string) []string, fields bool, fail func(r any)) Strs {
	if fields {
		return func(p int, emit func(string)) {
			each(p, func(s string) { EachField(s, emit) })
		}
	}
	return func(p int, emit func(string)) {
		var in bool // in g: a panic is g's
		defer func() {
			if in {
				if r := recover(); r != nil {
					fail(r)
				}
			}
		}()
		each(p, func(s string) {
			in = true
			ws := g(s)
			in = false
			for _, w := range ws {
				emit(w)
			}
		})
	}
}

// Filter is the typed path of Filter(g) over each.
func Filter(each Strs, g func(string) bool, fail func(r any)) Strs {
	return func(p int, emit func(string)) {
		var in bool
		defer func() {
			if in {
				if r := recover(); r != nil {
					fail(r)
				}
			}
		}()
		each(p, func(s string) {
			in = true
			keep := g(s)
			in = false
			if keep {
				emit(s)
			}
		})
	}
}

// WithOne is the typed path of Map to (s, 1) over each.
func WithOne(each Strs) StrInts {
	return func(p int, emit func(string, any, int), _ func(any)) {
		each(p, func(s string) { emit(s, nil, 1) })
	}
}

// Map is the typed path of Map(g) over each, g a func(string) P: results
// with a string key and an int value go to emit, others to other.
func Map[P ~struct{ Key, Value any }](each Strs, g func(string) P, fail func(r any)) StrInts {
	return func(p int, emit func(string, any, int), other func(any)) {
		var in bool
		defer func() {
			if in {
				if r := recover(); r != nil {
					fail(r)
				}
			}
		}()
		each(p, func(s string) {
			in = true
			kv := g(s)
			in = false
			pair := struct{ Key, Value any }(kv)
			if k, ok := pair.Key.(string); ok {
				if v, ok := pair.Value.(int); ok {
					// The key as g boxed it: the shuffle keeps
					// that box for output instead of boxing k again.
					emit(k, pair.Key, v)
					return
				}
			}
			other(kv)
		})
	}
}

// asciiSpace marks the ASCII bytes unicode.IsSpace is true for, as strings.Fields does.
var asciiSpace = [256]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// EachField emits the fields of s exactly as strings.Fields(s) returns them,
// without allocating the slice; lines with non-ASCII bytes go through
// strings.Fields itself.
func EachField(s string, emit func(string)) {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			for _, w := range strings.Fields(s) {
				emit(w)
			}
			return
		}
	}
	i := 0
	for i < len(s) {
		for i < len(s) && asciiSpace[s[i]] {
			i++
		}
		j := i
		for j < len(s) && !asciiSpace[s[j]] {
			j++
		}
		if j > i {
			emit(s[i:j])
		}
		i = j
	}
}
