package engine_test

import (
	"strings"
	"testing"

	"github.com/traefik/yaegi/interp"
	yaegistdlib "github.com/traefik/yaegi/stdlib"

	gsstdlib "github.com/gostream/gostream/stdlib"
)

// TestInterpretedStateAndWindows runs windows and state operators with
// interpreted functions, as the shell and notebooks do: closures arrive as
// typed funcs, and an interpreted struct type serves as state through the
// reflective path.
func TestInterpretedStateAndWindows(t *testing.T) {
	in := interp.New(interp.Options{})
	if err := in.Use(yaegistdlib.Symbols); err != nil {
		t.Fatal(err)
	}
	if err := in.Use(gsstdlib.Symbols); err != nil {
		t.Fatal(err)
	}
	steps := []string{
		`import (
			"fmt"
			"sort"
			"strings"

			"github.com/gostream/gostream/engine"
		)`,
		`type visits struct {
			N    int
			Last engine.Time
		}`,
		`func run() string {
			ssc := engine.NewStreamingContext("local[2]", "interp", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
			q := engine.NewQueue()
			in := ssc.QueueStream(q, true)
			var got []string
			show := func(name string) func(*engine.RDD, engine.Time) {
				return func(r *engine.RDD, t engine.Time) {
					var xs []string
					for _, x := range r.Collect() {
						xs = append(xs, engine.Format(x))
					}
					sort.Strings(xs)
					got = append(got, fmt.Sprintf("%s %s: %s", name, t, strings.Join(xs, " ")))
				}
			}
			in.UpdateStateByKey(func(t engine.Time, key string, values []int, state *visits) *visits {
				v := visits{}
				if state != nil {
					v = *state
				}
				if len(values) == 0 {
					return nil
				}
				v.N += len(values)
				v.Last = t
				return &v
			}).ForeachRDD(show("state"))
			spec := engine.StateSpecFunc(func(user string, n *int, state *engine.State) string {
				total := 0
				if state.Exists() {
					total = state.Get().(int)
				}
				if n == nil {
					return user + " timed out"
				}
				state.Update(total + *n)
				return fmt.Sprintf("%s=%d", user, total+*n)
			}).Timeout(engine.Seconds(1))
			in.MapWithState(spec).ForeachRDD(show("mapped"))
			in.ReduceByKeyAndWindow(func(a, b int) int { return a + b }, engine.Seconds(2), engine.Seconds(1),
				engine.Inverse(func(a, b int) int { return a - b }),
				engine.FilterFunc(func(p engine.Pair) bool { return p.Value.(int) != 0 })).ForeachRDD(show("window"))
			q.Push(engine.KV("a", 1), engine.KV("b", 2), engine.KV("a", 3))
			q.Push(engine.KV("b", 1))
			q.Push()
			if err := ssc.Start(); err != nil {
				return err.Error()
			}
			if err := ssc.Advance(engine.Seconds(3)); err != nil {
				return err.Error()
			}
			ssc.Stop(false)
			return strings.Join(got, "\n")
		}`,
	}
	for _, s := range steps {
		if _, err := in.Eval(s); err != nil {
			t.Fatalf("evaluating %s: %v", s, err)
		}
	}
	v, err := in.Eval("run()")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"state 1000 ms: (a,{2 1000 ms}) (b,{1 1000 ms})",
		"mapped 1000 ms: a=1 a=4 b=2",
		"window 1000 ms: (a,4) (b,2)",
		"state 2000 ms: (b,{2 2000 ms})",
		"mapped 2000 ms: b=3",
		"window 2000 ms: (a,4) (b,3)",
		"state 3000 ms: ",
		"mapped 3000 ms: a timed out",
		"window 3000 ms: (b,1)",
	}, "\n")
	if got := v.String(); got != want {
		t.Fatalf("interpreted pipeline printed\n%s\nwant\n%s", got, want)
	}
}
