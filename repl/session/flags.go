package session

import (
	"encoding"
	"flag"
	"reflect"
	"time"

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
		"Bool": reflect.ValueOf(func(name string, value bool, usage string) *bool {
			forgetFlag(name)
			return flag.Bool(name, value, usage)
		}),
		"BoolVar": reflect.ValueOf(func(p *bool, name string, value bool, usage string) {
			forgetFlag(name)
			flag.BoolVar(p, name, value, usage)
		}),
		"Int": reflect.ValueOf(func(name string, value int, usage string) *int {
			forgetFlag(name)
			return flag.Int(name, value, usage)
		}),
		"IntVar": reflect.ValueOf(func(p *int, name string, value int, usage string) {
			forgetFlag(name)
			flag.IntVar(p, name, value, usage)
		}),
		"Int64": reflect.ValueOf(func(name string, value int64, usage string) *int64 {
			forgetFlag(name)
			return flag.Int64(name, value, usage)
		}),
		"Int64Var": reflect.ValueOf(func(p *int64, name string, value int64, usage string) {
			forgetFlag(name)
			flag.Int64Var(p, name, value, usage)
		}),
		"Uint": reflect.ValueOf(func(name string, value uint, usage string) *uint {
			forgetFlag(name)
			return flag.Uint(name, value, usage)
		}),
		"UintVar": reflect.ValueOf(func(p *uint, name string, value uint, usage string) {
			forgetFlag(name)
			flag.UintVar(p, name, value, usage)
		}),
		"Uint64": reflect.ValueOf(func(name string, value uint64, usage string) *uint64 {
			forgetFlag(name)
			return flag.Uint64(name, value, usage)
		}),
		"Uint64Var": reflect.ValueOf(func(p *uint64, name string, value uint64, usage string) {
			forgetFlag(name)
			flag.Uint64Var(p, name, value, usage)
		}),
		"String": reflect.ValueOf(func(name string, value string, usage string) *string {
			forgetFlag(name)
			return flag.String(name, value, usage)
		}),
		"StringVar": reflect.ValueOf(func(p *string, name string, value string, usage string) {
			forgetFlag(name)
			flag.StringVar(p, name, value, usage)
		}),
		"Float64": reflect.ValueOf(func(name string, value float64, usage string) *float64 {
			forgetFlag(name)
			return flag.Float64(name, value, usage)
		}),
		"Float64Var": reflect.ValueOf(func(p *float64, name string, value float64, usage string) {
			forgetFlag(name)
			flag.Float64Var(p, name, value, usage)
		}),
		"Duration": reflect.ValueOf(func(name string, value time.Duration, usage string) *time.Duration {
			forgetFlag(name)
			return flag.Duration(name, value, usage)
		}),
		"DurationVar": reflect.ValueOf(func(p *time.Duration, name string, value time.Duration, usage string) {
			forgetFlag(name)
			flag.DurationVar(p, name, value, usage)
		}),
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
