package display

import (
	"os"
	"strings"
	"testing"

	"github.com/gostream/gostream/engine"
)

func TestTableTitleAndKeepLastNonEmpty(t *testing.T) {
	r := record(t)
	ssc, q := manualContext(t)
	Table(ssc.QueueStream(q, true), 5, Title("Latest words"), KeepLastNonEmpty())
	q.Push("spark", "go")
	q.Push()
	q.Push()
	q.Push("kafka")
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	if err := ssc.Advance(engine.Seconds(4)); err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, c := range r.calls {
		texts = append(texts, c.data["text/plain"].(string))
	}
	want := []string{
		"Latest words: waiting for the first batch",
		"Latest words · batch +1s\nvalue\nspark\ngo",
		"Latest words · batch +1s, the last with elements; empty batches since +2s\nvalue\nspark\ngo",
		"Latest words · batch +1s, the last with elements; empty batches since +3s\nvalue\nspark\ngo",
		"Latest words · batch +4s\nvalue\nkafka",
	}
	if strings.Join(texts, "\n|\n") != strings.Join(want, "\n|\n") {
		t.Errorf("table texts:\n%s\nwant:\n%s", strings.Join(texts, "\n|\n"), strings.Join(want, "\n|\n"))
	}
	h := r.calls[2].data["text/html"].(string)
	if !strings.Contains(h, "<b>Latest words</b>") || !strings.Contains(h, "white-space:nowrap") || !strings.Contains(h, "<td style=\"text-align:left\">spark</td>") {
		t.Errorf("kept table HTML %q", h)
	}
}

func TestBatchTime(t *testing.T) {
	for _, c := range []struct {
		t    engine.Time
		want string
	}{
		{1000, "+1s"},
		{2500, "+2.5s"},
	} {
		if got := BatchTime(c.t); got != c.want {
			t.Errorf("BatchTime(%d) = %q, want %q", c.t, got, c.want)
		}
	}
	real := engine.Time(1796151468000)
	if got, want := BatchTime(real), "15:04:05"; len(got) != len(want) || strings.Count(got, ":") != 2 {
		t.Errorf("BatchTime(%d) = %q, want a time of day like %s", real, got, want)
	}
	if got := BatchTime(real + 500); !strings.HasSuffix(got, ".500") {
		t.Errorf("BatchTime of a half second %q, want its milliseconds", got)
	}
}

// TestPrintKeepsTheLastBlocks: in a notebook, Print keeps the last Blocks
// batches in one output that each batch replaces.
func TestPrintKeepsTheLastBlocks(t *testing.T) {
	r := record(t)
	ssc, q := manualContext(t)
	Print(ssc.QueueStream(q, true), Blocks(2), Rows(1), Title("words"))
	q.Push("a", "b")
	q.Push("c")
	q.Push("d")
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	if err := ssc.Advance(engine.Seconds(3)); err != nil {
		t.Fatal(err)
	}
	if len(r.calls) != 4 || r.calls[0].kind != "display" {
		t.Fatalf("got %+v, want a display and three updates", r.calls)
	}
	for _, c := range r.calls[1:] {
		if c.kind != "update" || c.id != r.calls[0].id {
			t.Errorf("%s of %q, want an update of %q", c.kind, c.id, r.calls[0].id)
		}
	}
	block := func(ms, body string) string {
		return "-------------------------------------------\nTime: " + ms + " ms\n-------------------------------------------\n" + body + "\n"
	}
	want := "words\n" + block("2000", "c") + "\n" + block("3000", "d") + "\n"
	if got := r.calls[3].data["text/plain"]; got != want {
		t.Errorf("last update:\n%q\nwant the last two blocks:\n%q", got, want)
	}
	if got := r.calls[1].data["text/plain"].(string); !strings.Contains(got, "a\n...\n") {
		t.Errorf("first block %q, want one row and ...", got)
	}
	if h := r.calls[3].data["text/html"].(string); !strings.HasPrefix(h, "<div><b>words</b>") || !strings.Contains(h, "<pre") {
		t.Errorf("HTML %q", h)
	}
}

// Where outputs print as text, Print prints each batch's block once.
func ExamplePrint() {
	defer SetSink(NewTextSink(os.Stdout, strings.NewReader("")))()
	ssc := engine.NewStreamingContext("local[2]", "Words", engine.Seconds(1), engine.WithManualClock(), engine.WithBatchLog(nil))
	q := engine.NewQueue()
	Print(ssc.QueueStream(q, true), Blocks(1))
	q.Push("to", "be")
	q.Push("or")
	if err := ssc.Start(); err != nil {
		panic(err)
	}
	ssc.Advance(engine.Seconds(2))
	ssc.Stop(false)
	// Output:
	// -------------------------------------------
	// Time: 1000 ms
	// -------------------------------------------
	// to
	// be
	//
	// -------------------------------------------
	// Time: 2000 ms
	// -------------------------------------------
	// or
	//
}

func TestMetricsMarksTheBatchInterval(t *testing.T) {
	r := record(t)
	ssc, q := manualContext(t)
	ssc.QueueStream(q, true).ForeachRDD(func(*engine.RDD) {})
	Metrics(ssc, Title("Job"))
	for range 3 {
		q.Push(1)
	}
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	if err := ssc.Advance(engine.Seconds(3)); err != nil {
		t.Fatal(err)
	}
	last := r.calls[len(r.calls)-1].data
	h := last["text/html"].(string)
	for _, want := range []string{"batch interval 1s</text>", `stroke-dasharray="6 4"`, ">+1s</text>", ">+2s</text>", ">+3s</text>"} {
		if !strings.Contains(h, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
	if text := last["text/plain"].(string); !strings.HasPrefix(text, "Job: batch 3000 ms") || !strings.HasSuffix(text, "+1s … +3s") || !strings.Contains(text, "(batch interval 1000)") {
		t.Errorf("chart text %q", text)
	}
}
