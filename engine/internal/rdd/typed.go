package rdd

import (
	"reflect"
	"strings"

	"github.com/gostream/gostream/engine/internal/fused"
)

// The typed paths of the narrow steps of a word count's shape, on
// engine/internal/fused: each returns nil when f does not have the shape
// (or the Data has no typed string path to continue), and the caller keeps
// only its generic path. notString fails an element that is not a string,
// fail a panic of f, as the generic path does; neither may return.

// SameFunc reports whether f and g are the same compiled function.
func SameFunc(f, g any) bool {
	return reflect.ValueOf(f).Pointer() == reflect.ValueOf(g).Pointer()
}

// FlatMapStrs is the typed path of FlatMap(f) over d when f is a
// func(string) []string.
func (d *Data[P]) FlatMapStrs(f any, notString func(x any), fail func(r any)) fused.Strs {
	g, ok := f.(func(string) []string)
	if !ok {
		return nil
	}
	return fused.FlatMap(d.EachString(notString), g, SameFunc(g, strings.Fields), fail)
}

// FilterStrs is the typed path of Filter(f) over d when f is a
// func(string) bool and d has a typed string path.
func (d *Data[P]) FilterStrs(f any, notString func(x any), fail func(r any)) fused.Strs {
	g, ok := f.(func(string) bool)
	if !ok || d.Strs == nil {
		return nil
	}
	return fused.Filter(d.EachString(notString), g, fail)
}

// MapStrInts is the typed path of Map(f) over d when d has a typed string
// path and f is withOne (the caller's func pairing x with 1) or a
// func(string) P.
func (d *Data[P]) MapStrInts(f any, withOne func(any) P, notString func(x any), fail func(r any)) fused.StrInts {
	if d.Strs == nil {
		return nil
	}
	switch g := f.(type) {
	case func(any) P:
		if SameFunc(g, withOne) {
			return fused.WithOne(d.EachString(notString))
		}
	case func(string) P:
		return fused.Map(d.EachString(notString), g, fail)
	}
	return nil
}
