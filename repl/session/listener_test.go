package session

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// waitOutput polls out until it contains want, failing after a minute.
func waitOutput(t *testing.T, out *syncBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the output within a minute; got:\n%s", want, out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestPanickingListenerIsReportedAndTheStreamGoesOn: an interpreted
// listener whose method panics on a real-clock batch is reported on the
// input's standard error; the context keeps running and the session keeps
// answering.
func TestPanickingListenerIsReportedAndTheStreamGoesOn(t *testing.T) {
	s, _ := newSession(t)
	var out syncBuffer
	s.SetOutput(&out, &out)
	mustEval(t, s, `
type boom struct{ n int }

func (b *boom) OnBatchCompleted(info engine.BatchInfo) {
	b.n++
	panic(fmt.Sprintf("listener boom %d", b.n))
}`)
	mustEval(t, s, `
b := &boom{}
ssc := engine.NewStreamingContext("local[2]", "boom", engine.Milliseconds(20))
q := engine.NewQueue()
ssc.QueueStream(q, true).Print()
ssc.AddStreamingListener(b)
ssc.Start()`)
	waitOutput(t, &out, "listener boom 3")
	got := out.String()
	if !strings.Contains(got, "panic in the listener's OnBatchCompleted: listener boom 1") {
		t.Errorf("the panic is not reported as a listener's; output:\n%s", got)
	}
	if v := mustEval(t, s, "ssc.State().String()"); !strings.Contains(v.Text, "ACTIVE") {
		t.Errorf("ssc.State() = %s after the listener panicked, want ACTIVE", v.Text)
	}
	mustEval(t, s, "ssc.Stop(true)")
}

// TestListenerMethodWithUnnamedParameter: a listener method, or a function
// literal, whose parameter has no name is called like any other.
func TestListenerMethodWithUnnamedParameter(t *testing.T) {
	s, _ := newSession(t)
	var out syncBuffer
	s.SetOutput(&out, &out)
	mustEval(t, s, `
type quiet struct{ n int }

func (u *quiet) OnBatchCompleted(engine.BatchInfo) { u.n++; fmt.Println("completed", u.n) }`)
	mustEval(t, s, `
u := &quiet{}
ssc := engine.NewStreamingContext("local[2]", "unnamed", engine.Milliseconds(20))
ssc.QueueStream(engine.NewQueue(), true).Print()
ssc.AddStreamingListener(u)
lits := 0
ssc.AddStreamingListener(engine.OnBatchCompleted(func(engine.BatchInfo) { lits++; fmt.Println("literal", lits) }))
ssc.Start()`)
	waitOutput(t, &out, "completed 2")
	waitOutput(t, &out, "literal 2")
	mustEval(t, s, "ssc.Stop(true)")
}

// TestInterpretedListenerOptionalMethods: an interpreted listener's
// OnBatchSubmitted, OnBatchStarted and OnReceiverError are called, as they
// are for the same type compiled.
func TestInterpretedListenerOptionalMethods(t *testing.T) {
	s, _ := newSession(t)
	var out syncBuffer
	s.SetOutput(&out, &out)
	mustEval(t, s, `
type all struct{}

func (all) OnBatchCompleted(info engine.BatchInfo) { fmt.Println("completed", info.BatchTime) }
func (all) OnBatchStarted(info engine.BatchInfo)   { fmt.Println("started", info.BatchTime) }

type errs struct{ all }

func (e *errs) OnBatchSubmitted(info engine.BatchInfo) { fmt.Println("submitted", info.BatchTime) }
func (e *errs) OnReceiverError(info engine.ReceiverErrorInfo) {
	fmt.Println("my receiver error:", info.Msg)
}`)
	mustEval(t, s, `
ssc := engine.NewStreamingContext("local[2]", "optional", engine.Seconds(1), engine.WithManualClock())
ssc.SocketTextStream("127.0.0.1", `+strconv.Itoa(refusedPort(t))+`).Print()
ssc.AddStreamingListener(all{})
ssc.AddStreamingListener(&errs{})
ssc.Start()`)
	waitOutput(t, &out, "my receiver error:")
	mustEval(t, s, "ssc.Advance(engine.Seconds(1))")
	got := out.String()
	for _, want := range []string{"submitted 1000 ms", "started 1000 ms", "completed 1000 ms"} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in the output:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "started 1000 ms"); n != 2 {
		t.Errorf("OnBatchStarted called %d times for batch 1000 ms, want 2 (both listeners)", n)
	}
	mustEval(t, s, "ssc.Stop(true)")
}
