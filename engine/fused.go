package engine

import (
	"reflect"
	"strings"

	"github.com/gostream/gostream/engine/internal/fused"
)

// Typed paths for the shape of a word count: FlatMap(func(string) []string),
// Filter(func(string) bool), Map(engine.WithOne or func(string) Pair) and a
// shuffle with an int reducer (ReduceByKey, CountByValue). Besides compute,
// such RDDs set their Data's Strs (elements that are strings) or StrInts
// (Pairs of a string key and an int value), which push the same elements in
// the same order without boxing each into an any (engine/internal/fused).
// A shuffle whose input has a typed path counts into its tables straight
// from it (aggregator.feed), so a word costs one map lookup instead of
// three allocations. Results, their order and errors are those of the
// generic path.

// sameFunc reports whether f and g are the same compiled function.
func sameFunc(f, g any) bool {
	return reflect.ValueOf(f).Pointer() == reflect.ValueOf(g).Pointer()
}

// eachString is r's elements as strings for op, checked as the generic
// path's type check does.
func (r *RDD) eachString(op string) fused.Strs {
	return r.d.EachString(func(x any) { failElem(op, x, "string") })
}

// failOnString fails op for a panic r of its function on a string element,
// as guard does.
func failOnString(op string) func(r any) {
	return func(r any) { failWith(op, r, "function panicked on element of type string") }
}

// flatMapStrs is the typed path of FlatMap(f) when f is a func(string) []string.
func flatMapStrs(r *RDD, f any) fused.Strs {
	g, ok := f.(func(string) []string)
	if !ok {
		return nil
	}
	return fused.FlatMap(r.eachString("FlatMap"), g, sameFunc(g, strings.Fields), failOnString("FlatMap"))
}

// filterStrs is the typed path of Filter(f) when f is a func(string) bool
// over an RDD that has a typed string path.
func filterStrs(r *RDD, f any) fused.Strs {
	g, ok := f.(func(string) bool)
	if !ok || r.d.Strs == nil {
		return nil
	}
	return fused.Filter(r.eachString("Filter"), g, failOnString("Filter"))
}

// mapStrInts is the typed path of Map(f) over an RDD with a typed string
// path, when f is engine.WithOne or a func(string) Pair.
func mapStrInts(r *RDD, f any) fused.StrInts {
	if r.d.Strs == nil {
		return nil
	}
	switch g := f.(type) {
	case func(any) Pair:
		if sameFunc(g, WithOne) {
			return fused.WithOne(r.eachString("Map"))
		}
	case func(string) Pair:
		return fused.Map(r.eachString("Map"), g, failOnString("Map"))
	}
	return nil
}
