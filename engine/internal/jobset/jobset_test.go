package jobset

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gostream/gostream/engine/internal/checkpoint"
	"github.com/gostream/gostream/engine/internal/scheduler"
)

// ms is a batch time as the engine prints it.
type ms int64

func (t ms) String() string { return fmt.Sprintf("%d ms", int64(t)) }

type (
	inInfo    InputInfo
	outInfo   OutputInfo[ms]
	info      = Info[ms, inInfo, outInfo]
	batchInfo info
)

// listener hears every event; a view stands for it (as an interpreted
// listener's views do) and hears those of the output operations.
type listener struct{ f *fake }

func (l listener) OnBatchSubmitted(i batchInfo) {
	l.f.log = append(l.f.log, "submitted")
	l.f.infos = append(l.f.infos, info(i))
}
func (l listener) OnBatchStarted(i batchInfo) {
	l.f.log = append(l.f.log, "started")
	l.f.infos = append(l.f.infos, info(i))
}
func (l listener) OnBatchCompleted(i batchInfo) {
	l.f.log = append(l.f.log, "completed")
	l.f.infos = append(l.f.infos, info(i))
}

type view struct{ f *fake }

func (v view) OnOutputOperationStarted(o outInfo) {
	v.f.log = append(v.f.log, "output started "+o.Name)
	v.f.outInfos = append(v.f.outInfos, o)
}
func (v view) OnOutputOperationCompleted(o outInfo) {
	v.f.log = append(v.f.log, "output completed "+o.Name)
	v.f.outInfos = append(v.f.outInfos, o)
}

type fakeInput struct {
	name    string
	records int
	rate    float64
	log     *[]string
}

func (in fakeInput) Name() string { return in.name }
func (in fakeInput) Allocate(t int64) (int, float64) {
	*in.log = append(*in.log, fmt.Sprintf("allocate %s %d", in.name, t))
	return in.records, in.rate
}

type fakeOutput struct {
	name  string
	slide int64
	err   error
	log   *[]string
}

func (o fakeOutput) Name() string        { return o.name }
func (o fakeOutput) Description() string { return o.name + " ← in" }
func (o fakeOutput) Valid(t int64) bool  { return t%o.slide == 0 }
func (o fakeOutput) Run(t int64) error {
	*o.log = append(*o.log, fmt.Sprintf("run %s %d", o.name, t))
	return o.err
}

// fake is a context whose calls and events are logged in order.
type fake struct {
	log      []string
	inputs   []fakeInput
	outputs  []fakeOutput
	ck       *checkpoint.Checkpointer
	end      func([]error) []error
	failed   []error
	infos    []info
	outInfos []outInfo
	bus      *scheduler.Bus[any]
}

func (f *fake) Inputs() ([]Input, *checkpoint.Checkpointer) {
	var ins []Input
	for _, in := range f.inputs {
		in.log = &f.log
		ins = append(ins, in)
	}
	return ins, f.ck
}

func (f *fake) Outputs() []Output {
	var outs []Output
	for _, o := range f.outputs {
		o.log = &f.log
		outs = append(outs, o)
	}
	return outs
}

func (f *fake) Listeners() (*scheduler.Bus[any], []any) {
	if f.bus == nil {
		f.bus = scheduler.NewBus[any](func(method string, r any) { f.log = append(f.log, fmt.Sprint("panic in ", method, ": ", r)) })
		f.bus.SetViews(func(l any) []any { return []any{view{f}} })
		f.bus.Add(listener{f})
	}
	return f.bus, f.bus.List()
}
func (f *fake) Begin(t ms) { f.log = append(f.log, fmt.Sprint("begin ", t)) }
func (f *fake) End(t ms, errs []error) []error {
	f.log = append(f.log, fmt.Sprint("end ", t))
	if f.end != nil {
		return f.end(errs)
	}
	return errs
}
func (f *fake) Fail(err error) { f.failed = append(f.failed, err) }
func (f *fake) Clear(t ms)     { f.log = append(f.log, fmt.Sprint("clear ", t)) }

func (f *fake) Completed(i info, errs []error) {
	f.log = append(f.log, fmt.Sprintf("%d errors", len(errs)))
}

func TestGenerateAndRun(t *testing.T) {
	boom := errors.New("boom")
	f := &fake{
		inputs:  []fakeInput{{name: "a", records: 3, rate: 10}, {name: "b", records: 4}},
		outputs: []fakeOutput{{name: "Print", slide: 1000}, {name: "window", slide: 2000}, {name: "ForeachRDD", slide: 1000, err: boom}},
	}
	b := Generate[ms, inInfo, outInfo, batchInfo, any](f, 1000)
	wantIn := []inInfo{{0, "a", 3}, {1, "b", 4}}
	if b.Info.BatchTime != 1000 || b.Info.Records != 7 || b.Info.Rate != 10 || !reflect.DeepEqual(b.Info.Inputs, wantIn) || b.Deferred {
		t.Fatalf("generated %+v, want 7 records at 1000 ms, rate 10, inputs %v", b, wantIn)
	}
	if s := f.infos[0]; s.Records != 7 || s.Rate != 0 || !s.SubmissionTime.Equal(b.Info.SubmissionTime) || !reflect.DeepEqual(s.Inputs, wantIn) {
		t.Errorf("submitted info %+v, want the batch's records and inputs without its rate", s)
	}
	err := Run[ms, inInfo, outInfo, batchInfo, any](f, b)
	if err != boom || !reflect.DeepEqual(f.failed, []error{boom}) {
		t.Errorf("Run: %v, failed %v, want %v reported once", err, f.failed, boom)
	}
	want := []string{
		"begin 1000 ms", "allocate a 1000", "allocate b 1000", "submitted",
		"started", "output started Print", "run Print 1000", "output completed Print",
		"output started ForeachRDD", "run ForeachRDD 1000", "output completed ForeachRDD",
		"end 1000 ms", "clear 1000 ms", "1 errors", "completed",
	}
	if !reflect.DeepEqual(f.log, want) {
		t.Errorf("calls\n%s\nwant\n%s", strings.Join(f.log, "\n"), strings.Join(want, "\n"))
	}
	done := f.infos[len(f.infos)-1]
	if done.Err == nil || !errors.Is(done.Err, boom) || len(done.OutputOperations) != 2 || done.Rate != 10 {
		t.Fatalf("completed info %+v, want the error, two jobs and the rate", done)
	}
	if o := done.OutputOperations[1]; o.ID != 2 || o.Name != "ForeachRDD" || o.Description != "ForeachRDD ← in" || o.Err != boom || o.EndTime.Before(o.StartTime) || o.BatchTime != 1000 {
		t.Errorf("job info %+v, want ForeachRDD's, number 2, with its error", o)
	}
	if done.SchedulingDelay != done.ProcessingStart.Sub(done.SubmissionTime) || done.ProcessingDelay != done.ProcessingEnd.Sub(done.ProcessingStart) || done.TotalDelay != done.SchedulingDelay+done.ProcessingDelay {
		t.Errorf("delays %v %v %v do not add up", done.SchedulingDelay, done.ProcessingDelay, done.TotalDelay)
	}
}

func TestRunDeferredAndEnd(t *testing.T) {
	f := &fake{inputs: []fakeInput{{name: "a", records: 2}}, outputs: []fakeOutput{{name: "Print", slide: 1000}}}
	aborted := errors.New("aborted")
	f.end = func(errs []error) []error { return append(errs, aborted) }
	submitted := time.Now().Add(-time.Hour)
	if err := Run[ms, inInfo, outInfo, batchInfo, any](f, &Batch[ms, inInfo, outInfo]{Info: info{BatchTime: 2000, SubmissionTime: submitted}, Deferred: true}); err != aborted {
		t.Fatalf("Run: %v, want the error End added", err)
	}
	if f.log[0] != "begin 2000 ms" || f.log[1] != "allocate a 2000" {
		t.Errorf("a deferred batch is generated when it runs: calls %q", f.log)
	}
	done := f.infos[len(f.infos)-1]
	if !done.SubmissionTime.Equal(submitted) || done.Records != 2 || done.SchedulingDelay < time.Hour {
		t.Errorf("completed info %+v, want the time it was submitted kept", done)
	}
}

func TestLog(t *testing.T) {
	var w strings.Builder
	i := info{BatchTime: 3000, Rate: 250, TotalDelay: 1500 * time.Millisecond, ProcessingDelay: 250 * time.Millisecond}
	i.Log(&w, []error{errors.New("a"), errors.New("b")})
	want := "Error running job for time 3000 ms: a\nError running job for time 3000 ms: b\nTotal delay: 1.500 s for time 3000 ms (execution: 0.250 s, rate: 250 records/s)\n"
	if w.String() != want {
		t.Errorf("got %q, want %q", w.String(), want)
	}
	w.Reset()
	i.Rate = 0
	i.Log(&w, nil)
	if want := "Total delay: 1.500 s for time 3000 ms (execution: 0.250 s)\n"; w.String() != want {
		t.Errorf("got %q, want %q", w.String(), want)
	}
}
