// Package order is the engine's ordering of elements: the natural order of
// Top, TakeOrdered, Max, Min and SortByKey, the bounded heap that keeps a
// partition's n smallest elements, and the stable merge and range cut of
// SortByKey.
//
// The contract: comparison functions return -1, 0 or 1 as cmp.Compare;
// the natural order is total and deterministic (numbers by value, ints,
// uints and floats with each other; strings; false before true; the
// caller's times as numbers; the caller's pairs by key then value; nil
// first; anything else by its printed form). The package speaks plain Go:
// the caller's pair and time types come in as type parameters, and user
// functions arrive already guarded.
package order
