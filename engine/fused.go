package engine

import (
	"github.com/gostream/gostream/engine/internal/fused"
	"github.com/gostream/gostream/engine/internal/rdd"
	"github.com/gostream/gostream/internal/canon"
)

// Typed paths for the shape of a word count: FlatMap(func(string) []string),
// Filter(func(string) bool), Map(engine.WithOne or func(string) Pair) and a
// shuffle with an int reducer (ReduceByKey, CountByValue). Besides compute,
// such RDDs set their Data's Strs (elements that are strings) or StrInts
// (Pairs of a string key and an int value), which push the same elements in
// the same order without boxing each into an any (engine/internal/fused;
// the shapes are picked by engine/internal/rdd's FlatMapStrs, FilterStrs and
// MapStrInts). A shuffle whose input has a typed path counts into its
// tables straight from it (aggregator.feed), so a word costs one map lookup
// instead of three allocations. Results, their order and errors are those
// of the generic path.

// stringFails is how a typed path of op fails: an element that is not a
// string as the generic path's type check does, a panic of the function as
// guard does. Made once per operation, so building an RDD allocates nothing
// for its typed path.
type stringFails struct{ notString, panicked func(x any) }

func failsOn(op string) stringFails {
	return stringFails{
		notString: func(x any) { failElem(op, x, "string") },
		panicked:  func(r any) { failWith(op, r, "function panicked on element of type string") },
	}
}

var flatMapFails, filterFails, mapFails = failsOn("FlatMap"), failsOn("Filter"), failsOn("Map")

// flatMapStrs is the typed path of FlatMap(f) when f is a func(string) []string.
func flatMapStrs(r *RDD, f any) fused.Strs {
	return r.d.FlatMapStrs(f, flatMapFails.notString, flatMapFails.panicked)
}

// filterStrs is the typed path of Filter(f) when f is a func(string) bool
// over an RDD that has a typed string path.
func filterStrs(r *RDD, f any) fused.Strs {
	return r.d.FilterStrs(f, filterFails.notString, filterFails.panicked)
}

// mapStrInts is the typed path of Map(f) over an RDD with a typed string
// path, when f is engine.WithOne or a func(string) Pair. The shell's
// compiled `func(w string) engine.Pair { return engine.KV(w, 1) }`
// (internal/canon's StrWithOne) is WithOne there: the typed path fails an
// element that is not a string as the literal does, and pairs every string
// with 1 without calling anything.
func mapStrInts(r *RDD, f any) fused.StrInts {
	if g, ok := f.(func(string) Pair); ok && rdd.SameFunc(g, canon.StrWithOne[Pair]) {
		f = WithOne
	}
	return r.d.MapStrInts(f, WithOne, mapFails.notString, mapFails.panicked)
}
