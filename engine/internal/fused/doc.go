// Package fused holds the typed paths of fused narrow steps, for the shape
// of a word count: FlatMap over strings (strings.Fields split without
// allocating), Filter of strings, and Map to (string, int) pairs. A typed
// path pushes the same elements in the same order as the engine's generic
// path, without boxing each into an any, so a shuffle fed from it counts a
// word with one table lookup.
//
// The contract: a Strs pushes partition p's elements as strings; a StrInts
// pushes (string, int) results with the key as the user's function boxed it
// (nil when it boxed none) and any other result, boxed, to other, in order.
// The caller gives each path its input (Each, which fails a non-string
// element itself) and the user's function, already checked for its shape;
// a panic of the user's function is passed to fail once, from the
// partition's one deferred check (no guard per element), and only while
// the user's function was running; fail must not return. The package
// speaks plain Go: the caller's pair type comes in as a type parameter.
package fused
