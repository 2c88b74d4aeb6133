package session

import (
	"encoding"
	"flag"
	"reflect"

	"github.com/traefik/yaegi/interp"
)

// redefinableFlags are the flag package's functions that define a flag of
// the process's flag.CommandLine, made to replace a flag of the same name
// rather than panic with "flag redefined": in a shell or notebook, the
// input or cell that defines a flag runs again (a loaded file's main_
// called twice, a cell run again), as any name can be defined again.
// Programs (Options.Program) keep the real ones.
var redefinableFlags = interp.Exports{
	"flag/flag": {
		"Bool":        reflect.ValueOf(redefinable(flag.Bool)),
		"BoolVar":     reflect.ValueOf(redefinableVar(flag.BoolVar)),
		"Int":         reflect.ValueOf(redefinable(flag.Int)),
		"IntVar":      reflect.ValueOf(redefinableVar(flag.IntVar)),
		"Int64":       reflect.ValueOf(redefinable(flag.Int64)),
		"Int64Var":    reflect.ValueOf(redefinableVar(flag.Int64Var)),
		"Uint":        reflect.ValueOf(redefinable(flag.Uint)),
		"UintVar":     reflect.ValueOf(redefinableVar(flag.UintVar)),
		"Uint64":      reflect.ValueOf(redefinable(flag.Uint64)),
		"Uint64Var":   reflect.ValueOf(redefinableVar(flag.Uint64Var)),
		"String":      reflect.ValueOf(redefinable(flag.String)),
		"StringVar":   reflect.ValueOf(redefinableVar(flag.StringVar)),
		"Float64":     reflect.ValueOf(redefinable(flag.Float64)),
		"Float64Var":  reflect.ValueOf(redefinableVar(flag.Float64Var)),
		"Duration":    reflect.ValueOf(redefinable(flag.Duration)),
		"DurationVar": reflect.ValueOf(redefinableVar(flag.DurationVar)),
		"Func": reflect.ValueOf(func(name, usage string, fn func(string) error) {
			forgetFlag(name)
			flag.Func(name, usage, fn)
		}),
		"BoolFunc": reflect.ValueOf(func(name, usage string, fn func(string) error) {
			forgetFlag(name)
			flag.BoolFunc(name, usage, fn)
		}),
		"TextVar": reflect.ValueOf(func(p encoding.TextUnmarshaler, name string, value encoding.TextMarshaler, usage string) {
			forgetFlag(name)
			flag.TextVar(p, name, value, usage)
		}),
		"Var": reflect.ValueOf(func(value flag.Value, name string, usage string) {
			forgetFlag(name)
			flag.Var(value, name, usage)
		}),
	},
}

// redefinable is define (flag.Int, flag.String, ...) forgetting a flag of
// the same name first.
func redefinable[T any](define func(name string, value T, usage string) *T) func(string, T, string) *T {
	return func(name string, value T, usage string) *T {
		forgetFlag(name)
		return define(name, value, usage)
	}
}

// redefinableVar is redefinable for flag.IntVar, flag.StringVar, ...
func redefinableVar[T any](define func(p *T, name string, value T, usage string)) func(*T, string, T, string) {
	return func(p *T, name string, value T, usage string) {
		forgetFlag(name)
		define(p, name, value, usage)
	}
}

// forgetFlag removes the flag name from flag.CommandLine, which has no way
// to: the set is replaced by a copy holding the other flags, with their
// values, defaults and usage.
func forgetFlag(name string) {
	old := flag.CommandLine
	if old.Lookup(name) == nil {
		return
	}
	fresh := flag.NewFlagSet(old.Name(), old.ErrorHandling())
	fresh.Usage = old.Usage
	old.VisitAll(func(f *flag.Flag) {
		if f.Name != name {
			fresh.Var(f.Value, f.Name, f.Usage)
			fresh.Lookup(f.Name).DefValue = f.DefValue
		}
	})
	flag.CommandLine = fresh
}
