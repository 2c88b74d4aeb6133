package display

import (
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/gostream/gostream/engine"
)

// recorder is a Sink remembering every call, as a front end sees them.
type recorder struct {
	mu    sync.Mutex
	calls []call
}

type call struct {
	kind string // "display", "update", "clear"
	id   string
	data Data
}

func (r *recorder) Display(d Data, id string) { r.add(call{"display", id, d}) }
func (r *recorder) Update(d Data, id string)  { r.add(call{"update", id, d}) }
func (r *recorder) Clear(wait bool)           { r.add(call{kind: "clear"}) }
func (r *recorder) Input(string, bool) (string, error) {
	return "typed", nil
}

func (r *recorder) add(c call) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, c)
}

func record(t *testing.T) *recorder {
	r := &recorder{}
	t.Cleanup(SetSink(r))
	return r
}

func manualContext(t *testing.T) (*engine.StreamingContext, *engine.Queue) {
	ssc := engine.NewStreamingContext("local[2]", "Live", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
	t.Cleanup(func() { ssc.Stop(false) })
	return ssc, engine.NewQueue()
}

func TestHelpersSendRenderings(t *testing.T) {
	r := record(t)
	HTML("<p>a &lt; b</p>")
	Markdown("*x*")
	Text("plain")
	SVG("<svg/>")
	Clear(true)
	want := []struct {
		kind, mime, plain string
	}{
		{"display", "text/html", "a < b"},
		{"display", "text/markdown", "*x*"},
		{"display", "text/plain", "plain"},
		{"display", "image/svg+xml", "[SVG image]"},
		{"clear", "", ""},
	}
	if len(r.calls) != len(want) {
		t.Fatalf("got %d outputs, want %d", len(r.calls), len(want))
	}
	for i, w := range want {
		c := r.calls[i]
		if c.kind != w.kind || c.id != "" {
			t.Errorf("call %d: %s id %q, want %s without id", i, c.kind, c.id, w.kind)
		}
		if w.mime == "" {
			continue
		}
		if _, ok := c.data[w.mime]; !ok {
			t.Errorf("call %d: no %s in %v", i, w.mime, c.data)
		}
		if c.data["text/plain"] != w.plain {
			t.Errorf("call %d: text/plain %q, want %q", i, c.data["text/plain"], w.plain)
		}
	}
}

func TestTableUpdatesInPlaceEveryBatch(t *testing.T) {
	r := record(t)
	ssc, q := manualContext(t)
	display := ssc.QueueStream(q, true).Map(func(s string) engine.Pair { return engine.KV(s, len(s)) })
	Table(display, 5)
	q.Push("<tag>")
	q.Push()
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	if err := ssc.Advance(engine.Seconds(2)); err != nil {
		t.Fatal(err)
	}
	if len(r.calls) != 3 || r.calls[0].kind != "display" || r.calls[0].id == "" {
		t.Fatalf("got %+v, want one display with an id and two updates", r.calls)
	}
	for i, c := range r.calls[1:] {
		if c.kind != "update" || c.id != r.calls[0].id {
			t.Errorf("batch %d: %s of %q, want an update of %q", i+1, c.kind, c.id, r.calls[0].id)
		}
	}
	first := r.calls[1].data
	if h := first["text/html"].(string); !strings.Contains(h, `<th style="text-align:left">key</th><th style="text-align:right">value</th>`) || !strings.Contains(h, `<td style="text-align:left">&lt;tag&gt;</td><td style="text-align:right">5</td>`) || !strings.Contains(h, `<b>Map</b> <span style="color:#666">· batch +1s</span>`) {
		t.Errorf("first batch HTML %q", h)
	}
	if p := first["text/plain"].(string); p != "Map · batch +1s\nkey    value\n<tag>  5" {
		t.Errorf("first batch text %q", p)
	}
	if p := r.calls[2].data["text/plain"].(string); p != "Map · batch +2s: empty" {
		t.Errorf("empty batch text %q", p)
	}
}

func TestMetricsChart(t *testing.T) {
	r := record(t)
	ssc, q := manualContext(t)
	ssc.QueueStream(q, true).Count().ForeachRDD(func(*engine.RDD) {})
	Metrics(ssc)
	q.Push(1, 2, 3)
	q.Push(4)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	if err := ssc.Advance(engine.Seconds(2)); err != nil {
		t.Fatal(err)
	}
	if len(r.calls) != 3 {
		t.Fatalf("got %d outputs, want a display and two updates: %+v", len(r.calls), r.calls)
	}
	last := r.calls[2]
	if last.kind != "update" || last.id != r.calls[0].id {
		t.Fatalf("last output %s %q, want update of %q", last.kind, last.id, r.calls[0].id)
	}
	text := last.data["text/plain"].(string)
	if !strings.HasPrefix(text, "Live: batch 2000 ms, 1 records (1.0 records/s)") || !strings.Contains(text, "records/s   █▃  max 3.0") {
		t.Errorf("text %q", text)
	}
	h := last.data["text/html"].(string)
	if strings.Count(h, "<polyline") != 3 || !strings.Contains(h, "input records/s: 1") || !strings.Contains(h, "delay (ms)") ||
		!strings.Contains(h, ">total delay</text>") || !strings.Contains(h, ">processing</text>") {
		t.Errorf("HTML chart %q", h)
	}
}

// TestMetricsOfARunningContext: a chart asked for after batches ran shows
// the last one at once, then goes on with the next batches.
func TestMetricsOfARunningContext(t *testing.T) {
	r := record(t)
	ssc, q := manualContext(t)
	ssc.QueueStream(q, true).Count().ForeachRDD(func(*engine.RDD) {})
	q.Push(1, 2, 3)
	q.Push(4)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	if err := ssc.Advance(engine.Seconds(1)); err != nil {
		t.Fatal(err)
	}
	Metrics(ssc)
	if len(r.calls) != 1 || r.calls[0].kind != "display" {
		t.Fatalf("got %+v, want one display", r.calls)
	}
	if text := r.calls[0].data["text/plain"].(string); !strings.HasPrefix(text, "Live: batch 1000 ms, 3 records (3.0 records/s)") {
		t.Errorf("first chart %q; want the batch that already ran", text)
	}
	if err := ssc.Advance(engine.Seconds(1)); err != nil {
		t.Fatal(err)
	}
	if len(r.calls) != 2 || r.calls[1].kind != "update" || r.calls[1].id != r.calls[0].id {
		t.Fatalf("got %+v, want the display and one update of it", r.calls)
	}
	if text := r.calls[1].data["text/plain"].(string); !strings.HasPrefix(text, "Live: batch 2000 ms, 1 records (1.0 records/s)") || !strings.Contains(text, "records/s   █▃  max 3.0") {
		t.Errorf("updated chart %q; want both batches", text)
	}
	ssc.Stop(false)
	Metrics(ssc)
	if text := r.calls[len(r.calls)-1].data["text/plain"].(string); !strings.HasPrefix(text, "Live: batch 2000 ms") {
		t.Errorf("chart of the stopped context %q; want its last batch", text)
	}
}

func TestDefaultSinkPrintsToTheCurrentStdout(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "stdout")
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = f
	defer func() { os.Stdout = saved }()
	(&TextSink{}).Display(Data{"text/plain": "to the redirected stdout"}, "")
	os.Stdout = saved
	got, _ := os.ReadFile(f.Name())
	if string(got) != "to the redirected stdout\n" {
		t.Errorf("default sink wrote %q to the stdout in place", got)
	}
}
