package engine_test

import (
	"reflect"
	"testing"

	"github.com/traefik/yaegi/interp"
	yaegistdlib "github.com/traefik/yaegi/stdlib"

	gsstdlib "github.com/gostream/gostream/stdlib"
)

// An interpreted type can implement engine.Receiver: the interpreter hands
// the engine a compiled wrapper whose methods call the interpreted ones.
func TestInterpretedReceiver(t *testing.T) {
	i := interp.New(interp.Options{})
	if err := i.Use(yaegistdlib.Symbols); err != nil {
		t.Fatal(err)
	}
	if err := i.Use(gsstdlib.Symbols); err != nil {
		t.Fatal(err)
	}
	src := `
import "github.com/gostream/gostream/engine"

type counter struct {
	n       int
	stopped bool
}

func (c *counter) OnStart(ctx *engine.ReceiverContext) {
	// Storing from OnStart itself keeps the test exact; a real receiver
	// stores from a goroutine.
	for i := 0; i < c.n; i++ {
		if ctx.Store(i*i) != nil {
			return
		}
	}
}

func (c *counter) OnStop() { c.stopped = true }

func run() ([]any, string, bool) {
	ssc := engine.NewStreamingContext("local[2]", "interp", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
	c := &counter{n: 5}
	d := ssc.ReceiverStream(c)
	var got []any
	d.ForeachRDD(func(r *engine.RDD) { got = append(got, r.Collect()...) })
	if err := ssc.Start(); err != nil {
		panic(err)
	}
	ssc.Advance(engine.Seconds(1))
	ssc.Stop(true)
	return got, d.Name(), c.stopped
}
`
	if _, err := i.Eval(src); err != nil {
		t.Fatal(err)
	}
	v, err := i.Eval("run")
	if err != nil {
		t.Fatal(err)
	}
	got, name, stopped := v.Interface().(func() ([]any, string, bool))()
	out := []any{got, name, stopped}
	if want := []any{0, 1, 4, 9, 16}; !reflect.DeepEqual(out[0], want) {
		t.Errorf("records: got %v, want %v", out[0], want)
	}
	if out[1] != "ReceiverStream" {
		t.Errorf("stream name %q", out[1])
	}
	if out[2] != true {
		t.Errorf("OnStop was not called")
	}
}
