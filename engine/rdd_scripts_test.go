package engine_test

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/traefik/yaegi/interp"
	yaegistdlib "github.com/traefik/yaegi/stdlib"

	"github.com/gostream/gostream/engine"
	gsstdlib "github.com/gostream/gostream/stdlib"
)

// TestRDDScripts runs testdata/rdd/*.txt twice: with the pipelines of
// rdd_cases_test.go compiled, and with the same file evaluated by the
// interpreter, so that user code in the shell and compiled programs get the
// same results from the RDD operations.
func TestRDDScripts(t *testing.T) {
	t.Run("compiled", func(t *testing.T) {
		engine.RunScripts(t, "testdata/rdd/*.txt", rddCases)
	})
	t.Run("interpreted", func(t *testing.T) {
		engine.RunScripts(t, "testdata/rdd/*.txt", interpretedCases(t))
	})
}

// interpretedCases evaluates rdd_cases_test.go in the interpreter and
// returns its rddCases.
func interpretedCases(t *testing.T) map[string]engine.ScriptPipeline {
	src, err := os.ReadFile("rdd_cases_test.go")
	if err != nil {
		t.Fatal(err)
	}
	i := interp.New(interp.Options{})
	if err := i.Use(yaegistdlib.Symbols); err != nil {
		t.Fatal(err)
	}
	if err := i.Use(gsstdlib.Symbols); err != nil {
		t.Fatal(err)
	}
	code := strings.Replace(string(src), "package engine_test", "package main", 1)
	if _, err := i.Eval(code); err != nil {
		t.Fatalf("interpreting rdd_cases_test.go: %v", err)
	}
	v, err := i.Eval("main.rddCases")
	if err != nil {
		t.Fatal(err)
	}
	cases, ok := v.Interface().(map[string]engine.ScriptPipeline)
	if !ok {
		t.Fatalf("interpreted rddCases is a %s", reflect.TypeOf(v.Interface()))
	}
	if len(cases) != len(rddCases) {
		t.Fatalf("interpreted rddCases has %d pipelines, compiled %d", len(cases), len(rddCases))
	}
	return cases
}
