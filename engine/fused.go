package engine

import (
	"reflect"
	"strings"
	"unicode/utf8"
)

// Typed paths for the shape of a word count: FlatMap(func(string) []string),
// Filter(func(string) bool), Map(engine.WithOne or func(string) Pair) and a
// shuffle with an int reducer (ReduceByKey, CountByValue). Besides compute,
// such RDDs set strs (elements that are strings) or strInts (Pairs of a
// string key and an int value), which push the same elements in the same
// order without boxing each into an any. A shuffle whose input has a typed
// path counts into its tables straight from it (aggregator.feed), so a word
// costs one map lookup instead of three allocations. Results, their order
// and errors are those of the generic path.

// sameFunc reports whether f and g are the same compiled function.
func sameFunc(f, g any) bool {
	return reflect.ValueOf(f).Pointer() == reflect.ValueOf(g).Pointer()
}

// eachString pushes partition p of r to emit as strings; an element that is
// not a string fails op as the generic path's type check does.
func (r *RDD) eachString(op string, p int, emit func(string)) {
	if r.strs != nil {
		r.strs(p, emit)
		return
	}
	r.iterate(p, func(x any) {
		s, ok := x.(string)
		if !ok {
			failElem(op, x, "string")
		}
		emit(s)
	})
}

// flatMapStrs is the typed path of FlatMap(f) when f is a func(string) []string.
func flatMapStrs(r *RDD, f any) func(int, func(string)) {
	g, ok := f.(func(string) []string)
	if !ok {
		return nil
	}
	if sameFunc(g, strings.Fields) {
		return func(p int, emit func(string)) {
			r.eachString("FlatMap", p, func(s string) { eachField(s, emit) })
		}
	}
	return func(p int, emit func(string)) {
		var in bool // in g: a panic is g's
		defer func() {
			if in {
				failOnString("FlatMap", recover())
			}
		}()
		r.eachString("FlatMap", p, func(s string) {
			in = true
			ws := g(s)
			in = false
			for _, w := range ws {
				emit(w)
			}
		})
	}
}

// failOnString fails op for a panic r of its function on a string element,
// as guard does; typed paths defer one check per partition instead of a
// guard per element, and call it only while in the user's function.
func failOnString(op string, r any) {
	if r != nil {
		failWith(op, r, "function panicked on element of type string")
	}
}

// filterStrs is the typed path of Filter(f) when f is a func(string) bool
// over an RDD that has a typed string path.
func filterStrs(r *RDD, f any) func(int, func(string)) {
	g, ok := f.(func(string) bool)
	if !ok || r.strs == nil {
		return nil
	}
	return func(p int, emit func(string)) {
		var in bool
		defer func() {
			if in {
				failOnString("Filter", recover())
			}
		}()
		r.eachString("Filter", p, func(s string) {
			in = true
			keep := g(s)
			in = false
			if keep {
				emit(s)
			}
		})
	}
}

// mapStrInts is the typed path of Map(f) over an RDD with a typed string
// path, when f is engine.WithOne or a func(string) Pair. It emits each
// (string, int) result with its key as f boxed it (nil for WithOne);
// results that are not (string,int) Pairs go to other, boxed.
func mapStrInts(r *RDD, f any) func(int, func(string, any, int), func(any)) {
	if r.strs == nil {
		return nil
	}
	switch g := f.(type) {
	case func(any) Pair:
		if !sameFunc(g, WithOne) {
			return nil
		}
		return func(p int, emit func(string, any, int), _ func(any)) {
			r.eachString("Map", p, func(s string) { emit(s, nil, 1) })
		}
	case func(string) Pair:
		return func(p int, emit func(string, any, int), other func(any)) {
			var in bool
			defer func() {
				if in {
					failOnString("Map", recover())
				}
			}()
			r.eachString("Map", p, func(s string) {
				in = true
				kv := g(s)
				in = false
				if k, ok := kv.Key.(string); ok {
					if v, ok := kv.Value.(int); ok {
						// The key as g boxed it: the shuffle keeps
						// that box for output instead of boxing k again.
						emit(k, kv.Key, v)
						return
					}
				}
				other(kv)
			})
		}
	}
	return nil
}

// feedPairs is the typed feed of shuffles whose split takes a Pair apart.
func feedPairs(in *RDD, p int, emit func(string, any, int), other func(any)) bool {
	if in.strInts == nil {
		return false
	}
	in.strInts(p, emit, other)
	return true
}

// feedElems is the typed feed of shuffles keyed by the whole element with
// the value 1 (CountByValue).
func feedElems(in *RDD, p int, emit func(string, any, int), _ func(any)) bool {
	if in.strs == nil {
		return false
	}
	in.strs(p, func(s string) { emit(s, nil, 1) })
	return true
}

// asciiSpace marks the ASCII bytes unicode.IsSpace is true for, as strings.Fields does.
var asciiSpace = [256]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// eachField emits the fields of s exactly as strings.Fields(s) returns them,
// without allocating the slice; lines with non-ASCII bytes go through
// strings.Fields itself.
func eachField(s string, emit func(string)) {
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
