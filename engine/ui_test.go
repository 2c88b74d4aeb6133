package engine_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gostream/gostream/engine"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// startUI starts the process's UI on a free port for one test.
func startUI(t *testing.T) string {
	t.Helper()
	url, err := engine.StartUI("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(engine.StopUI)
	return url
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// grumpyReceiver reports an error when it starts and stores nothing.
type grumpyReceiver struct{}

func (grumpyReceiver) OnStart(ctx *engine.ReceiverContext) {
	ctx.ReportError("connecting to upstream", errors.New("connection refused"))
}
func (grumpyReceiver) OnStop() {}

// uiJob runs three batches of a division job on a manual clock: 1 2 4,
// then 5, then 0, which fails its Map with a division by zero.
func uiJob(t *testing.T, name string) *engine.StreamingContext {
	t.Helper()
	ssc := engine.NewStreamingContext("local[2]", name, time.Second, engine.WithManualClock(), engine.WithBatchLog(nil))
	t.Cleanup(func() { ssc.Stop(false) })
	q := engine.NewQueue()
	nums := ssc.QueueStream(q, true)
	nums.Union(ssc.ReceiverStream(grumpyReceiver{})).Map(func(x int) int { return 100 / x }).Print()
	nums.Count().ForeachRDD(func(*engine.RDD) {})
	ssc.SetOutput(io.Discard)
	q.Push(1, 2, 4)
	q.Push(5)
	q.Push(0)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	if err := ssc.Advance(3 * time.Second); err == nil {
		t.Fatal("the third batch did not fail")
	}
	return ssc
}

func TestUIPages(t *testing.T) {
	url := startUI(t)
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+/$`).MatchString(url) {
		t.Fatalf("UI URL %q", url)
	}
	if again, err := engine.StartUI(""); err != nil || again != url {
		t.Errorf("a second StartUI gave %q, %v; want the running UI's %q", again, err, url)
	}
	_, body := get(t, url)
	if !strings.Contains(body, "No StreamingContext yet") {
		t.Errorf("first page without contexts:\n%s", body)
	}
	uiJob(t, "Division")

	status, body := get(t, url)
	for _, want := range []string{
		"Streaming Statistics", "<b>Division</b>", "Running batches of 1 second",
		"(3 completed batches, 5 records)",
		`<tr id="input-rate">`, `<tr id="scheduling-delay">`, `<tr id="processing-time">`, `<tr id="total-delay">`,
		"batch interval 1 s",
		"Completed Batches (last 3 out of 3)", "Failed Batches (1)",
		`<a href="/contexts/1/batches/3000">+3s</a>`,
		"QueueStream", "ReceiverStream(engine_test.grumpyReceiver)",
		"connecting to upstream: connection refused",
		`<script src="/static/ui.js"></script>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("streaming page (status %d) lacks %q", status, want)
		}
	}
	failed := body[strings.Index(body, `id="failed-batches"`):strings.Index(body, `id="completed-batches"`)]
	if !strings.Contains(failed, "engine: Map at 3000 ms: function panicked on element of type int") || !strings.Contains(failed, "integer divide by zero") {
		t.Errorf("the failed batch's error is not shown:\n%.2000s", failed)
	}
	if n := strings.Count(body[strings.Index(body, `id="completed-batches"`):], "<tr"); n != 4 {
		t.Errorf("completed batches table has %d rows, want a header and 3 batches", n)
	}

	_, batch := get(t, url+"contexts/1/batches/3000")
	for _, want := range []string{
		"Details of batch at +3s", "FAILED", "Input data size:</b> 1 records",
		`<td class="num">0</td><td><b>Print</b><div class="lineage">Print ← Map ← Union (with ReceiverStream(engine_test.grumpyReceiver)) ← QueueStream</div>`,
		`<td class="num">1</td><td><b>ForeachRDD</b>`, "integer divide by zero",
	} {
		if !strings.Contains(batch, want) {
			t.Errorf("batch page lacks %q:\n%s", want, batch)
		}
	}
	if status, body := get(t, url+"contexts/1/batches/99000"); status != http.StatusNotFound || !strings.Contains(body, "No batch at +1m39s in context 1") {
		t.Errorf("missing batch: %d %q", status, body)
	}
	if status, _ := get(t, url+"static/ui.js"); status != http.StatusOK {
		t.Errorf("static/ui.js: status %d", status)
	}

	// A second context is listed beside the first.
	uiJob(t, "Second")
	_, list := get(t, url+"contexts/")
	if !strings.Contains(list, `<a href="/contexts/2/">Second</a>`) || !strings.Contains(list, `<a href="/contexts/1/">Division</a>`) {
		t.Errorf("contexts page lacks both contexts:\n%s", list)
	}
}

// TestUIPartialWaitsForChange: the live page's request for new content
// returns when a batch completes.
func TestUIPartialWaitsForChange(t *testing.T) {
	url := startUI(t)
	ssc := engine.NewStreamingContext("local[2]", "Live", time.Second, engine.WithManualClock(), engine.WithBatchLog(nil))
	defer ssc.Stop(false)
	q := engine.NewQueue()
	ssc.QueueStream(q, true).ForeachRDD(func(*engine.RDD) {})
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	v := resp.Header.Get("X-UI-Version")
	got := make(chan string, 1)
	go func() {
		_, body := get(t, url+"?partial=1&v="+v)
		got <- body
	}()
	q.Push(7)
	if err := ssc.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	select {
	case body := <-got:
		if strings.Contains(body, "<html") || !strings.Contains(body, "Streaming Statistics") {
			t.Errorf("partial content %.300q, want the page's content alone", body)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the partial request did not return after a batch")
	}
}

func TestUIMetrics(t *testing.T) {
	url := startUI(t)
	uiJob(t, "Division")
	_, text := get(t, url+"metrics")
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatalf("parsing /metrics: %v\n%s", err, text)
	}
	value := func(name string, labels map[string]string) (float64, bool) {
		f := fams[name]
		if f == nil {
			return 0, false
		}
	next:
		for _, m := range f.Metric {
			got := map[string]string{}
			for _, l := range m.Label {
				got[l.GetName()] = l.GetValue()
			}
			for k, v := range labels {
				if got[k] != v {
					continue next
				}
			}
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				return m.Counter.GetValue(), true
			case dto.MetricType_GAUGE:
				return m.Gauge.GetValue(), true
			case dto.MetricType_HISTOGRAM:
				return float64(m.Histogram.GetSampleCount()), true
			}
		}
		return 0, false
	}
	ctx := map[string]string{"context": "1", "app": "Division"}
	with := func(k, v string) map[string]string {
		m := map[string]string{k: v}
		for a, b := range ctx {
			m[a] = b
		}
		return m
	}
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"gostream_batches_total", with("status", "succeeded"), 2},
		{"gostream_batches_total", with("status", "failed"), 1},
		{"gostream_input_records_total", with("stream", "QueueStream"), 5},
		{"gostream_input_records_total", with("stream", "ReceiverStream(engine_test.grumpyReceiver)"), 0},
		{"gostream_input_rate_records_per_second", with("stream", "QueueStream"), 1},
		{"gostream_receiver_errors_total", with("stream", "ReceiverStream(engine_test.grumpyReceiver)"), 1},
		{"gostream_receiver_active", with("stream", "ReceiverStream(engine_test.grumpyReceiver)"), 1},
		{"gostream_batch_scheduling_delay_seconds", ctx, 3},
		{"gostream_batch_processing_time_seconds", ctx, 3},
		{"gostream_batch_total_delay_seconds", ctx, 3},
		{"gostream_batch_records", ctx, 3},
		{"gostream_output_operation_duration_seconds", with("operation", "0 Print"), 3},
		{"gostream_batch_interval_seconds", ctx, 1},
		{"gostream_batches_active", ctx, 0},
		{"gostream_context_info", with("state", "ACTIVE"), 1},
	} {
		got, ok := value(c.name, c.labels)
		if !ok || got != c.want {
			t.Errorf("%s%v = %v (found %v), want %v", c.name, c.labels, got, ok, c.want)
		}
	}
	if fams["gostream_batch_total_delay_seconds"].GetType() != dto.MetricType_HISTOGRAM {
		t.Errorf("total delay is a %v, want a histogram", fams["gostream_batch_total_delay_seconds"].GetType())
	}
	if _, ok := fams["go_goroutines"]; !ok {
		t.Error("no Go runtime metrics")
	}
	fmt.Fprint(io.Discard, text)
}
