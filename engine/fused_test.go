package engine

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/gostream/gostream/engine/internal/exec"
	"github.com/gostream/gostream/internal/canon"
)

func toAnys[T any](xs []T) []any { return exec.ToAnys(xs) }

// The typed paths of fused.go must give exactly what the generic path gives:
// the same elements in the same order, and the same errors. Each case runs a
// pipeline that takes a typed path and its twin written with funcs the
// typed paths do not recognise.

// runBatches runs build over the batches on local[2] with a manual clock and
// returns every batch's collected output and the error of the first failing batch.
func runBatches(t *testing.T, batches [][]any, build func(*DStream) *DStream) ([][]any, error) {
	t.Helper()
	ssc := NewStreamingContext("local[2]", "fused", Seconds(1), WithManualClock(), WithBatchLog(nil))
	q := NewQueue()
	var out [][]any
	build(ssc.QueueStream(q, true)).ForeachRDD(func(r *RDD) { out = append(out, r.Collect()) })
	for _, b := range batches {
		q.Push(b...)
	}
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	defer ssc.Stop(false)
	err := ssc.Advance(Seconds(int64(len(batches))))
	return out, err
}

func genericFields(x any) []any {
	var out []any
	for _, w := range strings.Fields(x.(string)) {
		out = append(out, w)
	}
	return out
}

func genericWithOne(x any) any    { return Pair{x, 1} }
func genericSum(a, b any) any     { return a.(int) + b.(int) }
func isTyped(r *RDD) (bool, bool) { return r.d.Strs != nil, r.d.StrInts != nil }

var fusedLines = [][]any{
	{"the quick brown fox", "jumps over the lazy dog", "", "  the\tend \n", "fox fox fox"},
	{},
	{"ünïcode\u00a0words and\u2003spaces", "a\vb\fc\rd", "the the"},
	{"one"},
}

func TestFusedMatchesGeneric(t *testing.T) {
	upper := func(w string) Pair { return KV(strings.ToUpper(w), len(w)) }
	mixed := func(w string) Pair {
		if len(w) == 3 {
			return KV(len(w), 1) // not a string key: the boxed fallback
		}
		return KV(w, 1)
	}
	long := func(w string) bool { return len(w) > 3 }
	cases := []struct {
		name           string
		typed, generic func(*DStream) *DStream
	}{
		{"FieldsWithOneSum",
			func(d *DStream) *DStream { return d.FlatMap(strings.Fields).Map(WithOne).ReduceByKey(Sum) },
			func(d *DStream) *DStream { return d.FlatMap(genericFields).Map(genericWithOne).ReduceByKey(genericSum) }},
		{"CanonicalStrWithOne",
			// What the shell compiles func(w string) Pair { return KV(w, 1) } to.
			func(d *DStream) *DStream {
				return d.FlatMap(strings.Fields).Map(canon.StrWithOne[Pair]).ReduceByKey(Sum)
			},
			func(d *DStream) *DStream { return d.FlatMap(genericFields).Map(genericWithOne).ReduceByKey(genericSum) }},
		{"FieldsCountByValue",
			func(d *DStream) *DStream { return d.FlatMap(strings.Fields).CountByValue() },
			func(d *DStream) *DStream { return d.FlatMap(genericFields).CountByValue() }},
		{"ClosuresOneTask",
			func(d *DStream) *DStream {
				return d.FlatMap(func(s string) []string { return strings.Split(s, " ") }).
					Map(upper).ReduceByKey(func(a, b int) int { return a*2 + b }, NumTasks(1))
			},
			func(d *DStream) *DStream {
				return d.FlatMap(func(x any) []any { return toAnys(strings.Split(x.(string), " ")) }).
					Map(func(x any) any { return upper(x.(string)) }).
					ReduceByKey(func(a, b any) any { return a.(int)*2 + b.(int) }, NumTasks(1))
			}},
		{"MixedKeys",
			func(d *DStream) *DStream { return d.FlatMap(strings.Fields).Map(mixed).ReduceByKey(Sum, NumTasks(3)) },
			func(d *DStream) *DStream {
				return d.FlatMap(genericFields).Map(func(x any) any { return mixed(x.(string)) }).ReduceByKey(genericSum, NumTasks(3))
			}},
		{"Filter",
			func(d *DStream) *DStream { return d.FlatMap(strings.Fields).Filter(long).Map(WithOne).ReduceByKey(Sum) },
			func(d *DStream) *DStream {
				return d.FlatMap(genericFields).Filter(func(x any) bool { return long(x.(string)) }).Map(genericWithOne).ReduceByKey(genericSum)
			}},
		{"PersistedWords",
			func(d *DStream) *DStream {
				return d.FlatMap(strings.Fields).Persist(MemoryOnly).Map(WithOne).ReduceByKey(Sum)
			},
			func(d *DStream) *DStream {
				return d.FlatMap(genericFields).Persist(MemoryOnly).Map(genericWithOne).ReduceByKey(genericSum)
			}},
		{"WordsThemselves",
			func(d *DStream) *DStream { return d.FlatMap(strings.Fields).Filter(long) },
			func(d *DStream) *DStream {
				return d.FlatMap(genericFields).Filter(func(x any) bool { return long(x.(string)) })
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := runBatches(t, fusedLines, c.typed)
			if err != nil {
				t.Fatal(err)
			}
			want, err := runBatches(t, fusedLines, c.generic)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("typed path gives\n%v\nwant (generic path)\n%v", got, want)
			}
		})
	}
}

func TestFusedPathsAreTaken(t *testing.T) {
	ssc := NewStreamingContext("local[2]", "fused", Seconds(1), WithManualClock(), WithBatchLog(nil))
	lines := ssc.Parallelize([]any{"a b", "b c"})
	words := lines.FlatMap(strings.Fields)
	if s, _ := isTyped(words); !s {
		t.Error("FlatMap(strings.Fields) has no typed string path")
	}
	if _, si := isTyped(words.Map(WithOne)); !si {
		t.Error("Map(WithOne) over words has no typed pair path")
	}
	if _, si := isTyped(words.Map(func(w string) Pair { return KV(w, 1) })); !si {
		t.Error("Map(func(string) Pair) over words has no typed pair path")
	}
	// canon.StrWithOne pairs each word with 1 without calling anything, as
	// WithOne does: its keys are not boxed until output.
	keys := func(r *RDD) (boxed []any) {
		for p := range r.d.N {
			r.d.StrInts(p, func(_ string, key any, _ int) { boxed = append(boxed, key) }, func(any) {})
		}
		return boxed
	}
	if got := keys(words.Map(canon.StrWithOne[Pair])); !reflect.DeepEqual(got, []any{nil, nil, nil, nil}) {
		t.Errorf("Map(canon.StrWithOne) over words boxed keys %v, want none boxed (WithOne's path)", got)
	}
	if got := keys(words.Map(func(w string) Pair { return KV(w, 1) })); !reflect.DeepEqual(got, []any{"a", "b", "b", "c"}) {
		t.Errorf("Map(func(string) Pair) over words kept keys %v, want the function's boxes", got)
	}
	if _, si := isTyped(lines.Map(WithOne)); si {
		t.Error("Map(WithOne) over untyped lines claims a typed pair path")
	}
	got := fmt.Sprint(words.Map(WithOne).ReduceByKey(Sum, NumTasks(1)).Collect())
	if want := "[(a,1) (b,2) (c,1)]"; got != want {
		t.Errorf("word count = %s, want %s", got, want)
	}
}

func TestFusedErrors(t *testing.T) {
	boom := func(s string) []string {
		if s == "bad" {
			panic("boom")
		}
		return strings.Fields(s)
	}
	cases := []struct {
		name    string
		batches [][]any
		build   func(*DStream) *DStream
		want    string
	}{
		{"NotAString", [][]any{{"a b", 7}},
			func(d *DStream) *DStream { return d.FlatMap(strings.Fields).Map(WithOne).ReduceByKey(Sum) },
			"engine: FlatMap at 1000 ms: element of type int (7) where the function takes string"},
		{"FlatMapPanics", [][]any{{"a b"}, {"ok", "bad"}},
			func(d *DStream) *DStream { return d.FlatMap(boom).Map(WithOne).ReduceByKey(Sum) },
			"engine: FlatMap at 2000 ms: function panicked on element of type string: boom"},
		{"MapPanics", [][]any{{"a b"}},
			func(d *DStream) *DStream {
				return d.FlatMap(strings.Fields).Map(func(w string) Pair { panic("no " + w) }).ReduceByKey(Sum)
			},
			"engine: Map at 1000 ms: function panicked on element of type string: no a"},
		{"ReducerPanics", [][]any{{"a a"}},
			func(d *DStream) *DStream {
				return d.FlatMap(strings.Fields).Map(WithOne).ReduceByKey(func(a, b int) int { panic("sum") })
			},
			"engine: ReduceByKey at 1000 ms: function panicked on element of type int: sum"},
		{"ReducerPanicsBeforeMap", [][]any{{"a a b c d e f g h i j k l m n o p q r s t u v w x y z bad"}},
			// The reducer fails on the second a before Map sees bad.
			func(d *DStream) *DStream {
				return d.FlatMap(strings.Fields).Map(func(w string) Pair {
					if w == "bad" {
						panic("bad")
					}
					return KV(w, 1)
				}).ReduceByKey(func(a, b int) int { panic("sum") })
			},
			"engine: ReduceByKey at 1000 ms: function panicked on element of type int: sum"},
		{"ValueNotInt", [][]any{{"a"}},
			func(d *DStream) *DStream {
				return d.FlatMap(strings.Fields).Map(func(w string) Pair { return KV(w, "x") }).ReduceByKey(Sum)
			},
			"engine: ReduceByKey at 1000 ms: element of type string (x) where the function takes int"},
		{"FilterPanics", [][]any{{"a b"}},
			func(d *DStream) *DStream {
				return d.FlatMap(strings.Fields).Filter(func(w string) bool { panic("f") }).CountByValue()
			},
			"engine: Filter at 1000 ms: function panicked on element of type string: f"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := runBatches(t, c.batches, c.build)
			if err == nil {
				t.Fatalf("no error, want %q", c.want)
			}
			if got := err.Error(); got != c.want {
				t.Errorf("error = %q\nwant    %q", got, c.want)
			}
		})
	}
}

// TestCanonicalIsTheLiteral: a function of internal/canon, which the shell
// compiles a literal to, gives what the literal gives, errors included,
// on the typed path and off it.
func TestCanonicalIsTheLiteral(t *testing.T) {
	literal := func(w string) Pair { return KV(w, 1) }
	cases := []struct {
		name    string
		batches [][]any
		build   func(d *DStream, f func(string) Pair) *DStream
	}{
		{"Words", fusedLines, func(d *DStream, f func(string) Pair) *DStream {
			return d.FlatMap(strings.Fields).Map(f).ReduceByKey(Sum)
		}},
		{"Lines", [][]any{{"a", "b a"}, {"c"}}, func(d *DStream, f func(string) Pair) *DStream {
			return d.Map(f).ReduceByKey(Sum, NumTasks(3))
		}},
		{"NotAString", [][]any{{"a", 7}}, func(d *DStream, f func(string) Pair) *DStream {
			return d.Map(f).ReduceByKey(Sum)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, gotErr := runBatches(t, c.batches, func(d *DStream) *DStream { return c.build(d, canon.StrWithOne[Pair]) })
			want, wantErr := runBatches(t, c.batches, func(d *DStream) *DStream { return c.build(d, literal) })
			if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got, want) {
				t.Errorf("canon.StrWithOne gives %v, error %v\nthe literal %v, error %v", got, gotErr, want, wantErr)
			}
			if c.name == "NotAString" && wantErr == nil {
				t.Error("the literal accepted an int")
			}
		})
	}
}
